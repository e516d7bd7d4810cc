"""Learning activity per cohort and course, counted by hand.

One course with one cohort: two sessions held, one to come. Ann holds a place, Ari has
completed, Abe is on the waitlist (not counted). Ann came to session 1; Ari to both. Ann
handed in work that waits; Ari's was accepted ten hours after he handed it in, and his
second attempt at another assignment was sent back after two hours.
"""

from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments.models import Review, Submission
from cohorts.models import Attendance, Enrollment
from tests.factories import (
    AssignmentFactory,
    CohortFactory,
    CoursePageFactory,
    EnrollmentFactory,
    ReviewFactory,
    SessionFactory,
    SubmissionFactory,
)

URL = reverse("reports:activity")


@pytest.fixture
def as_hr(client, hr_person):
    client.force_login(hr_person)
    return client


@pytest.fixture
def running(company):
    now = timezone.now()
    course = CoursePageFactory(title="Speaking up")
    cohort = CohortFactory(course=course, name="Autumn", starts_at=now - timedelta(days=14))
    held = [
        SessionFactory(cohort=cohort, number=1, starts_at=now - timedelta(days=14)),
        SessionFactory(cohort=cohort, number=2, starts_at=now - timedelta(days=7)),
    ]
    SessionFactory(cohort=cohort, number=3, starts_at=now + timedelta(days=7))
    people = company.people
    ann = EnrollmentFactory(cohort=cohort, user=people["ann"])
    ari = EnrollmentFactory(cohort=cohort, user=people["ari"], status=Enrollment.Status.COMPLETED)
    EnrollmentFactory(cohort=cohort, user=people["abe"], status=Enrollment.Status.WAITLISTED)
    for session, enrollment in ((held[0], ann), (held[0], ari), (held[1], ari)):
        Attendance.objects.create(session=session, enrollment=enrollment, status="present")
    Attendance.objects.create(session=held[1], enrollment=ann, status="absent")
    first, second = (AssignmentFactory(course=course) for _ in range(2))
    SubmissionFactory(
        assignment=first, cohort=cohort, user=people["ann"], status=Submission.Status.SUBMITTED
    )
    handed = now - timedelta(days=3)
    for assignment, status, hours, decision in (
        (first, Submission.Status.ACCEPTED, 10, Review.Decision.ACCEPTED),
        (second, Submission.Status.NEEDS_REVISION, 2, Review.Decision.NEEDS_REVISION),
    ):
        submission = SubmissionFactory(
            assignment=assignment,
            cohort=cohort,
            user=people["ari"],
            status=status,
            submitted_at=handed,
        )
        review = ReviewFactory(submission=submission, decision=decision)
        QuerySet.update(
            Review.objects.filter(pk=review.pk), decided_at=handed + timedelta(hours=hours)
        )
    return cohort


def test_a_cohort_is_counted_by_hand(as_hr, running):
    response = as_hr.get(URL)
    assert response.status_code == 200
    report = response.context["report"]
    (row,) = report.cohorts
    assert (row.enrolled, row.active, row.completed) == (2, 2, 1)
    assert (row.sessions_held, row.present) == (2, 3)
    assert row.attendance_percent == 75.0  # 3 present of 2 places x 2 sessions
    assert (row.submitted, row.accepted, row.waiting) == (3, 1, 1)
    assert row.median_review_hours == 6.0  # the median of 10 h and 2 h
    (course,) = report.courses
    assert (course.label, course.enrolled, course.attendance_percent) == ("Speaking up", 2, 75.0)
    html = response.content.decode()
    assert "75.0%" in html
    assert "6.0 h" in html


def test_the_unit_filter_counts_only_its_people(as_hr, running, company):
    (row,) = as_hr.get(URL, {"unit": company.alpha_one.pk}).context["report"].cohorts
    assert (row.enrolled, row.completed, row.present, row.submitted) == (1, 1, 2, 2)


def test_the_period_counts_work_handed_in_within_it(as_hr, running):
    today = timezone.localdate()
    start = (today - timedelta(days=1)).isoformat()
    (row,) = as_hr.get(URL, {"start": start}).context["report"].cohorts
    assert (row.submitted, row.waiting) == (1, 1)  # only Ann's, handed in today


def test_a_manager_counts_their_people_only(client, running, company):
    client.force_login(company.max)
    (row,) = client.get(URL).context["report"].cohorts
    assert (row.enrolled, row.active) == (2, 2)  # Ann and Ari are both Max's people
    company.people["ari"].manager = None
    company.people["ari"].save()
    (row,) = client.get(URL).context["report"].cohorts
    assert row.enrolled == 1


def test_cohorts_without_anyone_counted_are_left_out(as_hr, company):
    CohortFactory()
    response = as_hr.get(URL)
    assert response.context["report"].cohorts == []
    assert "No cohort has anyone counted" in response.content.decode()


def test_the_queries_do_not_grow_with_people_or_cohorts(
    as_hr, running, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    as_hr.get(URL)
    with django_assert_max_num_queries(20) as small:
        as_hr.get(URL)
    for _ in range(5):
        cohort = CohortFactory(course=running.course)
        SessionFactory(cohort=cohort, number=1, starts_at=timezone.now() - timedelta(days=1))
        for _ in range(4):
            EnrollmentFactory(cohort=cohort, user=UserFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = as_hr.get(URL)
    assert len(response.context["report"].cohorts) == 6
