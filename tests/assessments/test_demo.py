"""Demo practice: assignments (one or two per course where they fit, each valid and with a
rubric on the demo framework, open to the demo learner now) and work in every state in the
running cohort, made through the services; seeded only once, and without a message."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from assessments.evidence import link_check_platform
from assessments.models import Assignment, Review, RubricCriterion, Submission
from assessments.selectors import assignment_windows, practice_for, submissions_waiting
from cohorts.models import Cohort
from competencies.levels import Level
from competencies.models import Competency, CompetencyEvidence, CompetencyStanding
from core.models import NotificationLog
from demo.seeds.assessments import ASSIGNMENTS, POST, PROFILE, RUNNING_COHORT, demo_assessments_seed
from demo.seeds.cms import demo_cms_seed
from demo.seeds.cohorts import demo_cohorts_seed
from demo.seeds.competencies import demo_competencies_seed
from demo.seeds.courses import demo_courses_seed
from demo.seeds.people import demo_people_seed
from people.models import User

pytestmark = pytest.mark.django_db
Status = Submission.Status
LEARNER = "learner@spoke.example"
TRAINER = "trainer@spoke.example"
SEEDED = {"assignments": 5, "criteria": 10, "submissions": 6, "reviews": 3}
NOTHING = {"assignments": 0, "criteria": 0, "submissions": 0, "reviews": 0}


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
    assert demo_assessments_seed() == SEEDED
    assignments = list(Assignment.objects.prefetch_related("platforms", "criteria"))
    assert len(assignments) == len(ASSIGNMENTS) == 5
    for assignment in assignments:
        assignment.full_clean()
        criteria = list(assignment.criteria.all())
        assert 1 <= len(criteria) <= 3
        assert {c.level for c in criteria} <= {Level.PRACTISING, Level.PROFICIENT}
        assert bool(assignment.platforms.all()) is assignment.needs_link
        assert len(strip_tags(assignment.instructions)) > 300

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
    assert demo_assessments_seed() == NOTHING
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
    assert demo_assessments_seed() == {**NOTHING, "assignments": 1, "criteria": 2}
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


# --- Work in the running cohort ------------------------------------------------------------


def _work():
    """(person, assignment title) -> their attempts, oldest first."""
    work: dict[tuple[str, str], list[Submission]] = {}
    for submission in Submission.objects.select_related("user", "assignment").order_by("attempt"):
        work.setdefault((submission.user.email, submission.assignment.title), []).append(submission)
    return work


def _work_rows():
    """Everything the work wrote, to compare two runs."""
    return {
        "submissions": list(Submission.objects.order_by("pk").values()),
        "reviews": [
            (
                row,
                sorted(Review.objects.get(pk=row["id"]).criteria_met.values_list("pk", flat=True)),
            )
            for row in Review.objects.order_by("pk").values()
        ],
        "evidence": list(CompetencyEvidence.objects.order_by("pk").values()),
        "standings": list(CompetencyStanding.objects.order_by("pk").values()),
        "sent": NotificationLog.objects.count(),
    }


def test_running_cohort_has_work_in_every_state(demo_site):
    """A draft, two waiting for review (one late), one sent back with feedback and accepted
    work, all in the running cohort, each attempt valid for what its assignment asks."""
    demo_assessments_seed()
    work = Submission.objects.select_related("assignment", "cohort", "platform")
    assert {submission.cohort.name for submission in work} == {RUNNING_COHORT}
    by_status: dict[str, list[Submission]] = {}
    for submission in work:
        by_status.setdefault(submission.status, []).append(submission)
    assert {status: len(rows) for status, rows in by_status.items()} == {
        Status.DRAFT: 1,
        Status.SUBMITTED: 2,
        Status.NEEDS_REVISION: 1,
        Status.ACCEPTED: 2,
    }
    assert sorted(s.is_late for s in by_status[Status.SUBMITTED]) == [False, True]
    for submission in work:
        assignment = submission.assignment
        assert submission.attempt == 1
        if submission.status == Status.DRAFT:
            assert submission.submitted_at is None
            assert not hasattr(submission, "review")
            continue
        assert submission.submitted_at <= timezone.now()
        platform, _kind = link_check_platform(submission.link_url, assignment.platforms.all())
        assert submission.platform == platform
        assert submission.reflection_chars >= assignment.reflection_min_chars
        assert bool(submission.screenshot) is assignment.needs_screenshot
        if assignment.needs_screenshot:
            assert submission.screenshot_width > 0
        assert submission.link_check != Submission.LinkCheck.PENDING
    waiting = submissions_waiting(user=User.objects.get(email=TRAINER))
    assert sorted(waiting.values_list("pk", flat=True)) == sorted(
        s.pk for s in by_status[Status.SUBMITTED]
    )
    reviews = Review.objects.select_related("submission", "reviewer")
    assert reviews.count() == 3
    for review in reviews:
        assert review.reviewer.email == TRAINER
        assert review.feedback
        assert review.decision == review.submission.status
    revision = by_status[Status.NEEDS_REVISION][0].review
    assert not revision.criteria_met.exists()


def test_the_demo_learner_has_feedback_waiting_and_accepted_work(demo_site):
    """learner@ sees their profile accepted and their post sent back with feedback."""
    demo_assessments_seed()
    learner = User.objects.get(email=LEARNER)
    items = {
        item.window.assignment.title: item
        for item in practice_for(user=learner, now=timezone.now())
    }
    assert {title: item.state for title, item in items.items()} == {
        PROFILE: Status.ACCEPTED,
        POST: Status.NEEDS_REVISION,
    }
    assert all(item.has_feedback for item in items.values())
    assert "consent" in items[POST].submission.review.feedback


def test_accepted_work_wrote_evidence_through_the_ledger(demo_site):
    """Each criterion ticked became one piece of evidence from the review, awarded by the
    trainer, and the learner's standings moved up to practising."""
    learner = User.objects.get(email=LEARNER)
    assert not CompetencyEvidence.objects.filter(user=learner).exists()
    demo_assessments_seed()
    evidence = CompetencyEvidence.objects.filter(
        source_kind=CompetencyEvidence.Source.PRACTICE_REVIEW
    ).select_related("user", "competency", "awarded_by")
    accepted = Review.objects.filter(decision=Review.Decision.ACCEPTED)
    assert evidence.count() == sum(review.criteria_met.count() for review in accepted) == 3
    for row in evidence:
        assert row.awarded_by.email == TRAINER
        assert row.level == Level.PRACTISING
        review = row.source
        assert isinstance(review, Review)
        assert review.submission.user == row.user
        assert row.competency in [c.competency for c in review.criteria_met.all()]
    mine = {row.competency.slug for row in evidence if row.user == learner}
    assert mine == {"profile-and-personal-brand", "privacy-and-safety"}
    standings = CompetencyStanding.objects.filter(user=learner, competency__slug__in=mine)
    assert {standing.level for standing in standings} == {Level.PRACTISING}


def test_seeding_work_sends_nothing_and_checks_no_link(
    demo_site, django_capture_on_commit_callbacks
):
    """No feedback e-mail, nothing logged as sent and no link fetched after the commit:
    the link checks keep what the demo says they found."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo_assessments_seed()
    assert callbacks == []
    assert mail.outbox == []
    assert NotificationLog.objects.count() == 0
    checks = Submission.objects.exclude(status=Status.DRAFT).values_list("link_check", flat=True)
    assert sorted(checks) == ["error", "ok", "ok", "ok", "ok"]


def test_running_twice_changes_no_work(demo_site):
    """A second run writes no attempt, review, evidence or standing, and sends nothing."""
    assert demo_assessments_seed() == SEEDED
    before = _work_rows()
    assert demo_assessments_seed() == NOTHING
    assert _work_rows() == before


def test_work_people_did_themselves_is_left_alone(demo_site):
    """Once the learner starts their revision, a run leaves it; work someone deleted is made
    again, and only that."""
    from assessments import services

    demo_assessments_seed()
    learner = User.objects.get(email=LEARNER)
    cohort = Cohort.objects.get(name=RUNNING_COHORT)
    post = Assignment.objects.get(title=POST)
    revision = services.submission_current(assignment=post, cohort=cohort, user=learner)
    assert revision.attempt == 2
    waiting = Submission.objects.filter(status=Status.SUBMITTED, is_late=True).get()
    waiting.delete()
    before = Submission.objects.count()
    assert demo_assessments_seed() == {**NOTHING, "submissions": 1}
    assert Submission.objects.count() == before + 1
    assert _work()[(learner.email, POST)][-1].pk == revision.pk
    again = Submission.objects.get(status=Status.SUBMITTED, is_late=True)
    assert again.user_id == waiting.user_id


def test_the_trainers_screens_and_the_learners_list_show_the_work(demo_site, client):
    """The queue lists the two waiting, each submission and the grid open for the demo
    trainer, and the learner's list says feedback is waiting."""
    demo_assessments_seed()
    cohort = Cohort.objects.get(name=RUNNING_COHORT)
    client.force_login(User.objects.get(email=TRAINER))
    queue = client.get(reverse("assessments_admin:queue"))
    assert queue.status_code == HTTPStatus.OK
    assert "2 submissions wait for a decision" in queue.content.decode()
    for submission in Submission.objects.exclude(status=Status.DRAFT):
        response = client.get(reverse("assessments_admin:review", args=[submission.pk]))
        assert response.status_code == HTTPStatus.OK, submission
        if submission.screenshot:
            shot = client.get(reverse("assessments:screenshot", args=[submission.pk]))
            assert shot.status_code == HTTPStatus.OK
            assert shot["Content-Type"] == "image/png"
    grid = client.get(reverse("assessments_admin:grid", args=[cohort.pk]))
    assert grid.status_code == HTTPStatus.OK
    client.force_login(User.objects.get(email=LEARNER))
    content = client.get(reverse("assessments:mine")).content.decode()
    assert "New feedback" in content
    assert "Needs revision" in content


def test_refuses_to_make_work_without_the_running_cohort(demo_site):
    """Without the running cohort it says what to seed first, and writes nothing."""
    Cohort.objects.filter(name=RUNNING_COHORT).delete()
    with pytest.raises(RuntimeError, match="Cohort missing"):
        demo_assessments_seed()
    assert not Assignment.objects.exists()
