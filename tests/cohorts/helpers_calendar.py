"""Small builders for the calendar and cohort-page tests, straight on the models.

``tests.factories.cohorts`` is written elsewhere; these keep the calendar tests standalone.
"""

import datetime
from itertools import count

from django.utils import timezone

from cohorts.models import Cohort, Enrollment, Session
from tests.factories import CoursePageFactory

_numbers = count(1)


def make_cohort(*, course=None, trainers=(), sessions=0, **fields) -> Cohort:
    """A published cohort with ``sessions`` weekly sessions from next week on."""
    fields.setdefault("name", f"Cohort {next(_numbers)}")
    fields.setdefault("is_published", True)
    cohort = Cohort.objects.create(course=course or CoursePageFactory(), **fields)
    cohort.trainers.add(*trainers)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    for number in range(1, sessions + 1):
        make_session(
            cohort=cohort,
            number=number,
            starts_at=start + datetime.timedelta(weeks=number - 1),
        )
    return cohort


def make_session(*, cohort, number, starts_at, minutes=90, lessons=(), **fields) -> Session:
    """One session of ``cohort``."""
    fields.setdefault("title", f"Session {number}")
    fields.setdefault("place", "Room 4.12")
    session = Session.objects.create(
        cohort=cohort,
        number=number,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        **fields,
    )
    session.lessons.add(*lessons)
    return session


def enroll(user, cohort, status=Enrollment.Status.ENROLLED) -> Enrollment:
    """Give ``user`` an enrollment of ``status`` in ``cohort``."""
    now = timezone.now()
    return Enrollment.objects.create(
        cohort=cohort,
        user=user,
        status=status,
        enrolled_at=now if status in Enrollment.HOLDS_A_PLACE else None,
        waitlisted_at=now if status == Enrollment.Status.WAITLISTED else None,
        withdrawn_at=now if status == Enrollment.Status.WITHDRAWN else None,
    )
