"""Builders for the trainers' practice tests: a running cohort with an assignment, and
attempts in every state, made straight with the ORM (the states' own rules are tested in
``test_services_review``)."""

from datetime import timedelta

from django.utils import timezone

from assessments.models import Review, Submission
from cohorts.models import Cohort
from tests.factories import (
    AssignmentFactory,
    CohortFactory,
    EnrollmentFactory,
    SessionFactory,
    UserFactory,
)

Status = Submission.Status


def running_cohort(*, trainers=(), name="Replying well", zone="Europe/Amsterdam") -> Cohort:
    """A published cohort: session 1 ended two days ago, session 2 starts in five days (so
    an assignment after session 1 is open and due then)."""
    cohort = CohortFactory(name=name, trainers=list(trainers), time_zone=zone, capacity=500)
    now = timezone.now().replace(second=0, microsecond=0)
    first = SessionFactory(
        cohort=cohort,
        number=1,
        starts_at=now - timedelta(days=2, hours=1),
        ends_at=now - timedelta(days=2),
    )
    second = SessionFactory(
        cohort=cohort,
        number=2,
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=1),
    )
    cohort.starts_at, cohort.ends_at = first.starts_at, second.ends_at
    cohort.save()
    return cohort


def assignment_for(cohort, **kwargs):
    kwargs.setdefault("criteria", 2)
    kwargs.setdefault("after_session", 1)
    return AssignmentFactory(course=cohort.course, **kwargs)


def member(cohort, **kwargs):
    """Someone holding a place in ``cohort``."""
    return EnrollmentFactory(cohort=cohort, user=UserFactory(**kwargs)).user


def attempt(assignment, cohort, user, *, status=Status.SUBMITTED, number=1, ago=None, **kwargs):
    """One attempt; handed in ``ago`` (default an hour) before now unless a draft."""
    submitted = None
    if status != Status.DRAFT:
        submitted = timezone.now() - (ago or timedelta(hours=1))
    return Submission.objects.create(
        assignment=assignment,
        cohort=cohort,
        user=user,
        attempt=number,
        status=status,
        submitted_at=submitted,
        link_url=kwargs.pop("link_url", "https://www.linkedin.com/posts/lena-reply-123"),
        reflection=kwargs.pop(
            "reflection", "I answered calmly.\n\nThen I moved to a private message."
        ),
        reflection_chars=kwargs.pop("reflection_chars", 20),
        **kwargs,
    )


def decided(submission, *, by, decision=Review.Decision.NEEDS_REVISION, feedback="Add a link."):
    """A review written straight to the table (no evidence, no e-mail)."""
    review = Review.objects.create(
        submission=submission, reviewer=by, decision=decision, feedback=feedback
    )
    submission.status = (
        Status.ACCEPTED if decision == Review.Decision.ACCEPTED else Status.NEEDS_REVISION
    )
    submission.save(update_fields=["status"])
    return review
