"""Background work for credentials: thin tasks that take ids and call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services


def _user(user_id: int):
    return get_user_model().objects.filter(pk=user_id).first()


@shared_task(ignore_result=True)
def course_credential_task(user_id: int, course_id: int) -> bool:
    """A course was completed: issue its credential (once)."""
    from courses.models import CoursePage

    user = _user(user_id)
    course = CoursePage.objects.filter(pk=course_id).first()
    if user is None or course is None:
        return False
    return services.course_credential_sync(user=user, course=course, now=timezone.now()) is not None


@shared_task(ignore_result=True)
def competency_credentials_task(user_id: int, competency_id: int) -> dict:
    """A standing changed: issue the levels reached, revoke those corrected away."""
    from competencies.models import Competency

    user = _user(user_id)
    competency = Competency.objects.filter(pk=competency_id).first()
    if user is None or competency is None:
        return {}
    return services.competency_credentials_sync(
        user=user, competency=competency, now=timezone.now()
    )


@shared_task(ignore_result=True)
def roster_credentials_task(user_id: int) -> dict:
    """A roster membership changed: issue on joining, revoke when it ended."""
    user = _user(user_id)
    if user is None:
        return {}
    return services.roster_credentials_sync(user=user, now=timezone.now())


@shared_task
def credentials_sync_all() -> dict:
    """Beat runs this every night: whatever a trigger missed."""
    return services.credentials_sync_all(now=timezone.now())
