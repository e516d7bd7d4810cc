"""What makes Spoke re-check someone's place on the roster, and when.

Each receiver only enqueues a task once the transaction commits; the tasks call the services.
Re-checked at once: a person whose competency standing changed with new evidence, who
acknowledged a policy version, whose unit changed or whose account was (de)activated. A new
policy version asks the roster to acknowledge it. Everything else that changes with time
alone (practice growing old, lapses older than 90 days) is the nightly ``roster_sync_all``.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

# A standing refreshed from evidence dated further back than this comes from records brought
# in from before Spoke (or the demo's history): not news to tell anyone about at once; the
# nightly re-check picks it up.
BACKDATED = timedelta(hours=1)
_PENDING = "_advocacy_sync_pending"
_SEEN = "_advocacy_seen"
_WATCHED_FIELDS = {"unit", "unit_id", "is_active"}


def sync_on_commit(user_id: int) -> None:
    """Re-check ``user_id`` once the transaction commits: once per commit, however many
    standings of theirs it changed (the first callback to run takes the person off the
    connection's pending set; a rolled-back transaction leaves no callback behind)."""
    from .tasks import membership_sync_task

    pending = transaction.get_connection().__dict__.setdefault(_PENDING, set())
    pending.add(user_id)

    def enqueue() -> None:
        if user_id in pending:
            pending.discard(user_id)
            membership_sync_task.delay(user_id)

    transaction.on_commit(enqueue)


def standing_saved(sender, instance, raw=False, **kwargs) -> None:
    """A competency standing changed: new evidence may open or close a tier."""
    if raw:
        return
    last = instance.last_evidence_at
    if last is None or last < timezone.now() - BACKDATED:
        return
    sync_on_commit(instance.user_id)


def acknowledgement_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A policy version acknowledged: a lapse for the policy may end, or a tier open."""
    if created and not raw:
        sync_on_commit(instance.user_id)


def user_loaded(sender, instance, **kwargs) -> None:
    """Remember a person's unit and active flag as loaded (nothing is read for it; a
    deferred field is simply not remembered)."""
    loaded = instance.__dict__
    if "unit_id" in loaded and "is_active" in loaded:
        loaded[_SEEN] = (loaded["unit_id"], loaded["is_active"])


def user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    """A person moved to another unit, or their account was (de)activated: re-check them."""
    if raw or (update_fields is not None and not _WATCHED_FIELDS & set(update_fields)):
        return
    seen = instance.__dict__.get(_SEEN)
    state = (instance.unit_id, instance.is_active)
    instance.__dict__[_SEEN] = state
    if created or seen is None or seen == state:
        return
    sync_on_commit(instance.pk)


def policy_version_published(sender, version, **kwargs) -> None:
    """A new policy version: everyone on the roster acknowledges it again."""
    from .tasks import policy_version_started_task

    policy_version_started_task.delay_on_commit(version.pk)


def connect() -> None:
    """Called from ``AdvocacyConfig.ready()``."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_init, post_save

    from cms import signals as cms_signals
    from competencies.models import CompetencyStanding

    from .models import PolicyAcknowledgement

    User = get_user_model()
    post_save.connect(standing_saved, sender=CompetencyStanding, dispatch_uid="advocacy_standing")
    post_save.connect(
        acknowledgement_saved, sender=PolicyAcknowledgement, dispatch_uid="advocacy_ack"
    )
    post_init.connect(user_loaded, sender=User, dispatch_uid="advocacy_user_loaded")
    post_save.connect(user_saved, sender=User, dispatch_uid="advocacy_user_saved")
    cms_signals.policy_version_published.connect(
        policy_version_published, dispatch_uid="advocacy_policy_version"
    )
