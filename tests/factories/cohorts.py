"""Cohorts, sessions and enrollments. ``CohortFactory()`` makes a published, open cohort
of a new course with five places; pass ``trainers=[...]`` and ``allowed_units=[...]``."""

from datetime import timedelta

import factory
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, Session

from .courses import CoursePageFactory


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CoursePageFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    time_zone = "Europe/Amsterdam"
    capacity = 5
    enrollment_mode = Cohort.EnrollmentMode.OPEN
    is_published = True

    @factory.post_generation
    def trainers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.trainers.set(extracted)

    @factory.post_generation
    def allowed_units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.allowed_units.set(extracted)


class SessionFactory(factory.django.DjangoModelFactory):
    """A one-hour session; keep ``number`` and times in order yourself (or use services)."""

    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Session {n + 1}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=1))
    place = "Room 1"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory("tests.factories.people.UserFactory")
    status = Enrollment.Status.ENROLLED
    enrolled_at = factory.LazyFunction(timezone.now)
    waitlisted_at = factory.LazyAttribute(
        lambda enrollment: (
            timezone.now() if enrollment.status == Enrollment.Status.WAITLISTED else None
        )
    )
