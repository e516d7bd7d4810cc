"""Factories for every app's models; tests import them from here."""

from .assessments import (
    AssignmentFactory,
    ReviewFactory,
    RubricCriterionFactory,
    SubmissionFactory,
)
from .cohorts import CohortFactory, EnrollmentFactory, SessionFactory
from .competencies import CompetencyFactory
from .courses import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    course_with_lessons,
    knowledge_check,
    lesson_body,
)
from .people import BusinessUnitFactory, UserFactory, add_role

__all__ = [
    "AssignmentFactory",
    "BusinessUnitFactory",
    "CohortFactory",
    "CompetencyFactory",
    "CourseIndexPageFactory",
    "CoursePageFactory",
    "EnrollmentFactory",
    "LessonPageFactory",
    "ReviewFactory",
    "RubricCriterionFactory",
    "SessionFactory",
    "SubmissionFactory",
    "UserFactory",
    "add_role",
    "course_with_lessons",
    "knowledge_check",
    "lesson_body",
]
