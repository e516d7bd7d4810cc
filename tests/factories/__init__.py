"""Factories for every app's models; tests import them from here."""

from .advocacy import (
    PlatformAccountFactory,
    PolicyAcknowledgementFactory,
    RosterMembershipFactory,
    practice_accepted,
    qualify,
    roster_framework,
    standing_set,
)
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
from .policy import PolicyPageFactory, policy_answers, policy_republish

__all__ = [
    "AssignmentFactory",
    "BusinessUnitFactory",
    "CohortFactory",
    "CompetencyFactory",
    "CourseIndexPageFactory",
    "CoursePageFactory",
    "EnrollmentFactory",
    "LessonPageFactory",
    "PlatformAccountFactory",
    "PolicyAcknowledgementFactory",
    "PolicyPageFactory",
    "ReviewFactory",
    "RosterMembershipFactory",
    "RubricCriterionFactory",
    "SessionFactory",
    "SubmissionFactory",
    "UserFactory",
    "add_role",
    "course_with_lessons",
    "knowledge_check",
    "lesson_body",
    "policy_answers",
    "policy_republish",
    "practice_accepted",
    "qualify",
    "roster_framework",
    "standing_set",
]
