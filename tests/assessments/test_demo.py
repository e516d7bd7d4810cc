"""Demo practice assignments: one or two per course where they fit, each valid and with a
rubric on the demo framework, open to the demo learner now, and seeded only once."""

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from assessments.demo import ASSIGNMENTS, demo_assessments_seed
from assessments.models import Assignment, RubricCriterion, Submission
from assessments.selectors import assignment_windows
from cms.demo import demo_cms_seed
from cohorts.demo import demo_cohorts_seed
from cohorts.models import Cohort
from competencies.demo import demo_competencies_seed
from competencies.levels import Level
from competencies.models import Competency
from courses.demo import demo_courses_seed
from people.demo import demo_people_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site():
    """Everything the assignments rely on, as ``seed_demo`` seeds it before them."""
    for seed in (
        demo_people_seed,
        demo_cms_seed,
        demo_competencies_seed,
        demo_courses_seed,
        demo_cohorts_seed,
    ):
        seed()


def _rows():
    assignments = [
        {
            **{f.attname: getattr(a, f.attname) for f in Assignment._meta.concrete_fields},
            "platforms": sorted(a.platforms.values_list("pk", flat=True)),
        }
        for a in Assignment.objects.order_by("pk")
    ]
    criteria = list(RubricCriterion.objects.order_by("pk").values())
    return assignments, criteria


def test_seeds_valid_assignments_with_a_short_rubric(demo_site):
    """Five assignments (profile, listening, a post, a public reply, a holding statement),
    each passing the model's checks and asking for the evidence that fits it, each with one
    to three criteria at practising or proficient; a link always comes with platforms."""
    assert demo_assessments_seed() == {"assignments": 5, "criteria": 10}
    assignments = list(Assignment.objects.prefetch_related("platforms", "criteria"))
    assert len(assignments) == len(ASSIGNMENTS) == 5
    for assignment in assignments:
        assignment.full_clean()
        criteria = list(assignment.criteria.all())
        assert 1 <= len(criteria) <= 3
        assert {c.level for c in criteria} <= {Level.PRACTISING, Level.PROFICIENT}
        assert bool(assignment.platforms.all()) is assignment.needs_link
        assert len(strip_tags(assignment.instructions)) > 300
    assert not Submission.objects.exists()

    by_title = {a.title: a for a in assignments}

    def kinds(title):
        a = by_title[title]
        return (a.needs_link, a.needs_screenshot, a.needs_reflection)

    assert kinds("Tidy up your professional profile") == (True, True, True)
    assert kinds("A week of listening") == (False, False, True)
    assert by_title["A week of listening"].reflection_min_chars == 400
    assert kinds("Publish a post about your work that follows the policy") == (True, False, True)
    assert kinds("Reply to a customer's question in public") == (True, True, False)
    assert kinds("Draft a holding statement for an outage") == (False, False, True)
    profile = by_title["Tidy up your professional profile"]
    assert [p.slug for p in profile.platforms.all()] == ["linkedin"]


def test_running_cohort_has_two_assignments_open_now(demo_site):
    """The demo learner's running cohort has practice after sessions 1 and 2, both open."""
    demo_assessments_seed()
    cohort = Cohort.objects.get(name="Speaking for yourself · support and retail")
    assert cohort.enrollments.filter(user__email="learner@spoke.example").exists()
    windows = [w for (c, _), w in assignment_windows(cohorts=[cohort]).items() if c == cohort.pk]
    assert sorted(w.assignment.after_session for w in windows) == [1, 2]
    now = timezone.now()
    assert all(w.opens_at <= now for w in windows)
    # The Plan B assignments follow lessons, so they open in both Plan B cohorts.
    for name in ("Plan B · open group for operations and support",
                 "Plan B · control room evening group"):  # fmt: skip
        plan_b = Cohort.objects.get(name=name)
        assert len(assignment_windows(cohorts=[plan_b])) == 2


def test_running_twice_writes_nothing_and_repairs_edits(demo_site):
    """A second run changes no row; a run after someone edited the demo puts it back."""
    demo_assessments_seed()
    before = _rows()
    assert demo_assessments_seed() == {"assignments": 0, "criteria": 0}
    assert _rows() == before

    listening = Assignment.objects.get(title="A week of listening")
    Assignment.objects.filter(pk=listening.pk).update(reflection_min_chars=50)
    listening.criteria.filter(sort_order=0).update(level=Level.COACH)
    RubricCriterion.objects.create(
        assignment=listening,
        description="An extra criterion",
        competency=Competency.objects.first(),
        sort_order=5,
    )
    assert demo_assessments_seed() == {"assignments": 1, "criteria": 2}
    listening.refresh_from_db()
    assert listening.reflection_min_chars == 400
    assert [c.level for c in listening.criteria.order_by("sort_order")] == [
        Level.PRACTISING,
        Level.PRACTISING,
    ]


def test_refuses_to_run_before_the_courses(db):
    """Without the demo courses it says what to seed first instead of half-seeding."""
    with pytest.raises(RuntimeError, match="Courses missing"):
        demo_assessments_seed()
    assert not Assignment.objects.exists()
