"""What ``cohorts`` does when the apps below it announce something (see ``core.events``)."""

from core.events import event_handler
from people.events import PERSON_DEACTIVATED

from .services import enrollments_withdraw_for_leaver


@event_handler(PERSON_DEACTIVATED)
def person_deactivated(*, user_id: int, **payload) -> None:
    """Someone left: their open places go to the people waiting."""
    enrollments_withdraw_for_leaver(user_id=user_id)
