"""What ``credentials`` does when the apps below it announce something (see ``core.events``).

Each handler only enqueues a task; the task calls a service that compares what the person
holds with what they earned, so a duplicate event or a retried task issues nothing new.
Heard here:

- ``COURSE_COMPLETED`` (``courses``): issue the course's credential;
- ``STANDING_CHANGED`` (``competencies``), when the level moved (up with new evidence, or
  down with an admin's correction): issue the levels reached, revoke those corrected away;
- ``MEMBERSHIP_CHANGED`` (``advocacy``): issue on joining a tier, revoke when it ended.

Bulk changes that announce nothing (a new policy version lapsing the roster at once) are
caught by the nightly ``credentials_sync_all``.
"""

from advocacy.events import MEMBERSHIP_CHANGED
from competencies.events import STANDING_CHANGED
from core.events import event_handler
from courses.events import COURSE_COMPLETED

from .tasks import competency_credentials_task, course_credential_task, roster_credentials_task


@event_handler(COURSE_COMPLETED)
def course_completed(*, user_id: int, course_id: int, **payload) -> None:
    course_credential_task.delay(user_id, course_id)


@event_handler(STANDING_CHANGED)
def standing_changed(
    *, user_id: int, competency_id: int, level: int, previous_level: int | None, **payload
) -> None:
    if level != previous_level:
        competency_credentials_task.delay(user_id, competency_id)


@event_handler(MEMBERSHIP_CHANGED)
def membership_changed(*, user_id: int, **payload) -> None:
    roster_credentials_task.delay(user_id)
