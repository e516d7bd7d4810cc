"""Concurrent enrolments and withdrawals against PostgreSQL row locks.

Each thread has its own database connection, so the requests really race; the cohort row
lock makes them queue up and count places one after the other.
"""

import pytest

from cohorts.models import Enrollment
from cohorts.services import enrollment_request, enrollment_withdraw
from tests.concurrency import race, skip_unless_postgresql
from tests.factories import CohortFactory, UserFactory

pytestmark = [
    # Threads read committed rows only; serialized_rollback puts back the migrated rows
    # (groups, the Wagtail tree) that the factories need.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
Status = Enrollment.Status


@pytest.fixture(autouse=True)
def _postgresql_only():
    skip_unless_postgresql()


def test_twenty_people_at_once_fill_five_places_and_wait_for_the_rest():
    """20 concurrent enrolments into 5 places: exactly 5 enrolled and 15 waitlisted."""
    cohort = CohortFactory(capacity=5)
    users = [UserFactory() for _ in range(20)]
    errors = race(lambda user: enrollment_request(cohort=cohort, user=user), users)
    assert errors == []
    statuses = list(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert sorted(statuses) == sorted([Status.ENROLLED] * 5 + [Status.WAITLISTED] * 15)


def test_two_withdrawals_at_once_promote_two_different_people():
    """Two places freed at the same moment go to the first two waiting, one each."""
    cohort = CohortFactory(capacity=2)
    enrollments = [enrollment_request(cohort=cohort, user=UserFactory()) for _ in range(5)]
    assert [e.status for e in enrollments] == [Status.ENROLLED] * 2 + [Status.WAITLISTED] * 3
    errors = race(
        lambda enrollment: enrollment_withdraw(enrollment=enrollment, by=enrollment.user),
        enrollments[:2],
    )
    assert errors == []
    statuses = dict(Enrollment.objects.filter(cohort=cohort).values_list("pk", "status"))
    assert [statuses[e.pk] for e in enrollments] == [
        Status.WITHDRAWN,
        Status.WITHDRAWN,
        Status.ENROLLED,
        Status.ENROLLED,
        Status.WAITLISTED,
    ]
