"""Practice assignments, their rubric, submissions and reviews.

``AssignmentFactory()`` makes an assignment of a new course that opens after session 1 and
asks for a link and a reflection; pass ``platforms=[...]`` (default: none) and
``criteria=N`` (default 1) for that many rubric criteria. ``SubmissionFactory()`` is a
draft by a new person in a new cohort of the assignment's course; pass ``status`` and it
fills in ``submitted_at``. ``ReviewFactory()`` accepts a submitted attempt; the ledger is
not touched: decisions that write evidence go through ``assessments.services``.
"""

import factory
from django.utils import timezone

from assessments.models import Assignment, Review, RubricCriterion, Submission
from competencies.levels import Level

from .cohorts import CohortFactory
from .competencies import CompetencyFactory
from .courses import CoursePageFactory
from .people import UserFactory


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    course = factory.SubFactory(CoursePageFactory)
    title = factory.Sequence(lambda n: f"Practice {n}")
    instructions = "<p>Do one small thing on a real platform and bring back a link.</p>"
    needs_link = True
    needs_screenshot = False
    needs_reflection = True
    reflection_min_chars = 300
    after_session = 1

    @factory.post_generation
    def platforms(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.platforms.set(extracted)  # a ParentalManyToManyField: written on save
            obj.save()

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        """``criteria=N`` adds N criteria (default 1); ``criteria=0`` leaves the rubric empty."""
        if not create:
            return
        count = 1 if extracted is None else extracted
        for position in range(count):
            RubricCriterionFactory(assignment=obj, sort_order=position)


class RubricCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricCriterion

    assignment = factory.SubFactory(AssignmentFactory, criteria=0)
    description = factory.Sequence(lambda n: f"Criterion {n}: the evidence shows it")
    competency = factory.SubFactory(CompetencyFactory)
    level = Level.PRACTISING
    sort_order = 0


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    assignment = factory.SubFactory(AssignmentFactory)
    cohort = factory.SubFactory(CohortFactory, course=factory.SelfAttribute("..assignment.course"))
    user = factory.SubFactory(UserFactory)
    attempt = 1
    status = Submission.Status.DRAFT
    link_url = "https://www.linkedin.com/in/jordan-reyes"
    reflection = "I tidied my headline and said where I work."
    reflection_chars = factory.LazyAttribute(
        lambda submission: len(" ".join(submission.reflection.split()))
    )
    submitted_at = factory.LazyAttribute(
        lambda submission: None if submission.status == Submission.Status.DRAFT else timezone.now()
    )


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review
        skip_postgeneration_save = True

    submission = factory.SubFactory(SubmissionFactory, status=Submission.Status.ACCEPTED)
    reviewer = factory.SubFactory(UserFactory)
    decision = Review.Decision.ACCEPTED
    feedback = "Clear and calm. Well done."

    @factory.post_generation
    def criteria_met(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.criteria_met.set(extracted)
