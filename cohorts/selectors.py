"""Reads about cohorts: who runs them, places and waitlists, sessions due for a reminder."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from people.models import BusinessUnit
from people.roles import user_is_site_admin
from people.selectors import unit_descendant_ids

from .models import Cohort, Enrollment, Session


def user_runs_cohort(*, user, cohort: Cohort) -> bool:
    """Whether ``user`` may run ``cohort``: one of its trainers, or a site admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user_is_site_admin(user):
        return True
    return cohort.trainers.filter(pk=user.pk).exists()


def cohorts_for_trainer(*, user) -> QuerySet[Cohort]:
    """The cohorts ``user`` runs (every cohort for a site admin), with their course."""
    cohorts = Cohort.objects.select_related("course").order_by("starts_at", "name")
    if user_is_site_admin(user):
        return cohorts
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return cohorts.none()
    return cohorts.filter(trainers=user)


def cohort_places_taken(*, cohort: Cohort) -> int:
    """How many people hold one of the cohort's places (enrolled or completed)."""
    return Enrollment.objects.filter(cohort=cohort, status__in=Enrollment.HOLDS_A_PLACE).count()


def cohort_waitlist(*, cohort: Cohort) -> QuerySet[Enrollment]:
    """The cohort's waitlist, first come first served (ties broken by id)."""
    return (
        Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "pk")
    )


def users_in_unit(*, unit: BusinessUnit) -> QuerySet:
    """The active people of ``unit`` and of every unit below it."""
    return (
        get_user_model()
        .objects.filter(unit_id__in=unit_descendant_ids(unit=unit), is_active=True)
        .order_by("pk")
    )


def sessions_due_for_reminder(
    *, now: datetime, before: timedelta, window: timedelta
) -> QuerySet[Session]:
    """Sessions of published, not cancelled cohorts starting in ``before`` give or take
    ``window``: ``before - window < starts_at - now <= before``.

    A scan every ``window`` therefore finds each session exactly once per reminder.
    """
    return (
        Session.objects.filter(
            starts_at__gt=now + before - window,
            starts_at__lte=now + before,
            cohort__is_published=True,
            cohort__cancelled_at__isnull=True,
        )
        .select_related("cohort", "cohort__course")
        .order_by("starts_at", "pk")
    )
