"""The cohorts app's part of a person's data: the courses they asked to hear about are in
their copy and go at their erasure; their places stay for the figures."""

import pytest

from cohorts.models import CourseInterest, Enrollment
from cohorts.privacy import personal_data_erase, personal_data_export
from tests.factories import EnrollmentFactory, UserFactory
from tests.factories.courses import CoursePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lena():
    lena = UserFactory(first_name="Lena")
    CourseInterest.objects.create(user=lena, course=CoursePageFactory(title="Speaking up"))
    CourseInterest.objects.create(user=UserFactory(), course=CoursePageFactory(title="Other"))
    EnrollmentFactory(user=lena)
    return lena


def test_the_copy_lists_the_courses_a_person_asked_about(lena):
    (section,) = personal_data_export(user=lena)
    asked = section.data["courses_you_asked_to_hear_about"]
    assert [entry["course"] for entry in asked] == ["Speaking up"]
    assert len(section.data["enrollments"]) == 1


def test_erasure_removes_their_interest_and_keeps_their_place(lena):
    part = personal_data_erase(user=lena, pseudonym="Erased person 7f3a")
    assert part.deleted == {"interest in courses": 1}
    assert part.kept["enrollments"] == 1
    assert not CourseInterest.objects.filter(user=lena).exists()
    assert CourseInterest.objects.count() == 1  # someone else's stays
    assert Enrollment.objects.filter(user=lena).count() == 1
