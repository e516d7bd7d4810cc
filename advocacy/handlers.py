"""What ``advocacy`` does when the apps below it announce something (see ``core.events``).

Every trigger of a roster re-check that is not the roster's own doing lives here; each
handler only enqueues a task (the task calls the service), and a person is re-checked once
per commit however many of these asked for it. What changes with time alone (practice
growing old, lapses older than 90 days) and anything missed is the nightly
``roster_sync_all``; a lead editing the tier rules runs it at once (``admin_rules``).
"""

from django.utils import timezone

from cms.events import POLICY_VERSION_PUBLISHED
from competencies.events import STANDING_CHANGED
from core.events import event_handler, once_per_commit
from people.events import PERSON_DEACTIVATED, UNIT_OR_ACTIVE_CHANGED

from .events import MEMBERSHIP_CHANGED, POLICY_ACKNOWLEDGED
from .models import RosterMembership
from .services import membership_end_for_leaver
from .sharing import share_links_for_person
from .tasks import membership_sync_task, policy_version_started_task


def _recheck(user_id: int) -> None:
    """Re-check ``user_id``'s place on the roster, once per commit."""
    if once_per_commit(("advocacy.recheck", user_id)):
        membership_sync_task.delay(user_id)


@event_handler(STANDING_CHANGED)
def standing_changed(*, user_id: int, backdated: bool, **payload) -> None:
    """New evidence may open or close a tier. A backdated standing (records brought in from
    before Spoke) is not news: the nightly re-check picks it up."""
    if not backdated:
        _recheck(user_id)


@event_handler(POLICY_ACKNOWLEDGED)
def policy_acknowledged(*, user_id: int, **payload) -> None:
    """A lapse for the policy may end, or a tier open."""
    _recheck(user_id)


@event_handler(UNIT_OR_ACTIVE_CHANGED)
def unit_or_active_changed(*, user_id: int, **payload) -> None:
    """A person moved to another unit, or their account was (de)activated."""
    _recheck(user_id)


@event_handler(PERSON_DEACTIVATED)
def person_deactivated(*, user_id: int, reason: str, at, **payload) -> None:
    """Someone left: their roster membership ends, and its history says why. (Called
    directly, not queued, so the reason given at deactivation is the one recorded.)"""
    membership_end_for_leaver(user_id=user_id, reason=reason, now=at)


@event_handler(POLICY_VERSION_PUBLISHED)
def policy_version_published(*, version_id: int, **payload) -> None:
    """A new policy version: everyone on the roster acknowledges it again."""
    policy_version_started_task.delay(version_id)


@event_handler(MEMBERSHIP_CHANGED)
def membership_changed(*, user_id: int, status: str, **payload) -> None:
    """Someone joined or came back: their links for the posts live now (sharing kit)."""
    if status in RosterMembership.ON_ROSTER:
        share_links_for_person(user_id=user_id, now=timezone.now())
