"""Every event that issues or revokes a credential, heard in one place.

Each receiver only enqueues a task once the transaction commits (``delay_on_commit``); the
task calls a service that compares what the person holds with what they earned, so a
duplicate event or a retried task issues nothing new. Heard here:

- a course completed (``courses.CourseCompletion`` created);
- a competency standing saved (its level went up, or an admin corrected it down);
- a roster membership saved (it became active, or it ended).

Bulk changes that send no signal (a new policy version lapsing the roster at once) are
caught by the nightly ``credentials_sync_all``. When ``core`` gains an event registry,
these receivers are what moves to it.
"""

_SEEN = "_credentials_seen_level"


def course_completed(sender, instance, created, raw=False, **kwargs) -> None:
    from .tasks import course_credential_task

    if created and not raw:
        course_credential_task.delay_on_commit(instance.user_id, instance.course_id)


def standing_loaded(sender, instance, **kwargs) -> None:
    """Remember the level as loaded, to hear only when it changes."""
    if "level" in instance.__dict__:
        instance.__dict__[_SEEN] = instance.__dict__["level"]


def standing_saved(sender, instance, created, raw=False, **kwargs) -> None:
    from .tasks import competency_credentials_task

    if raw:
        return
    seen = instance.__dict__.get(_SEEN)
    instance.__dict__[_SEEN] = instance.level
    if not created and seen is not None and seen == instance.level:
        return
    competency_credentials_task.delay_on_commit(instance.user_id, instance.competency_id)


def membership_saved(sender, instance, raw=False, **kwargs) -> None:
    from .tasks import roster_credentials_task

    if not raw:
        roster_credentials_task.delay_on_commit(instance.user_id)


def connect() -> None:
    """Called from ``CredentialsConfig.ready()``."""
    from django.db.models.signals import post_init, post_save

    from advocacy.models import RosterMembership
    from competencies.models import CompetencyStanding
    from courses.models import CourseCompletion

    post_save.connect(course_completed, sender=CourseCompletion, dispatch_uid="cred_course")
    post_init.connect(standing_loaded, sender=CompetencyStanding, dispatch_uid="cred_st_init")
    post_save.connect(standing_saved, sender=CompetencyStanding, dispatch_uid="cred_standing")
    post_save.connect(membership_saved, sender=RosterMembership, dispatch_uid="cred_roster")
