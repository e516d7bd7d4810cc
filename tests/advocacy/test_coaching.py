"""Ambassadors who coach: asking one to coach a cohort, what a coach sees, feedback against
the rubric shown to the learner as a coach's and to the trainer on the review screen, the
trainer's endorsement as ledger evidence at "Coach", e-mails, and every role."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from advocacy.coaching import (
    coach_appoint,
    coach_feedback_endorse,
    coach_feedback_give,
    coach_work_list,
)
from advocacy.models import CoachFeedback, CohortCoach
from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding

from .coaching_world import coaching_world

ROLES = ["learner", "manager", "trainer", "hr", "lead", "site_admin"]


@pytest.fixture
def world(trainer):
    return coaching_world(trainer=trainer)


def _criteria(world):
    return list(world.assignment.criteria.order_by("sort_order", "pk"))


def _give(world, capture=None, **kwargs):
    kwargs.setdefault("text", "Warm and quick. Next time, say when the next update comes.")
    kwargs.setdefault("criteria", _criteria(world)[:1])
    return coach_feedback_give(submission=world.work["lena"], coach=world.people["amira"], **kwargs)


# --- Services -------------------------------------------------------------------------------


def test_the_coach_sees_the_work_handed_in_in_their_cohort_only(world):
    """Lena's handed-in work; not Liam's draft, not Amira's own, not the other cohort's."""
    work = coach_work_list(user=world.people["amira"], cohort=world.cohort)
    assert [submission.user.first_name for submission in work] == ["Lena"]


@pytest.mark.parametrize("name", ["bob", "lena"])
def test_only_active_ambassadors_can_coach(world, trainer, name):
    with pytest.raises(ValidationError):
        coach_appoint(cohort=world.cohort, coach=world.people[name], by=trainer)


@pytest.mark.parametrize("role", ["learner", "manager", "hr"])
def test_only_its_trainers_and_leads_ask_someone_to_coach(world, request, role):
    with pytest.raises(PermissionDenied):
        coach_appoint(
            cohort=world.other, coach=world.people["amira"], by=request.getfixturevalue(role)
        )


def test_another_cohorts_trainer_cannot_but_a_lead_can(
    world, lead, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        coach_appoint(cohort=world.other, coach=world.people["amira"], by=world.people["tara"])
    with django_capture_on_commit_callbacks(execute=True):
        coach_appoint(cohort=world.other, coach=world.people["amira"], by=lead)
    assert mail.outbox[-1].subject == "You are asked to coach Other group"
    assert "/roster/coaching/cohort/" in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        coach_appoint(cohort=world.other, coach=world.people["amira"], by=lead)


def test_feedback_is_kept_and_the_learner_told_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = _give(world)
        _give(world, text="Changed my mind: also thank them.", criteria=[])
    feedback.refresh_from_db()
    assert feedback.text == "Changed my mind: also thank them."
    assert list(feedback.criteria_shown.all()) == []
    told = [m for m in mail.outbox if m.to == ["lena@spoke.example"]]
    assert [m.subject for m in told] == ["A coach read your work: Reply to a complaint"]
    assert "Amira Abbas" in told[0].body


@pytest.mark.parametrize(
    ("work", "error"),
    [("liam", PermissionDenied), ("amira", PermissionDenied), ("olly", PermissionDenied)],
)
def test_a_coach_cannot_give_feedback_outside_what_they_see(world, work, error):
    with pytest.raises(error):
        coach_feedback_give(
            submission=world.work[work], coach=world.people["amira"], text="Hi", criteria=[]
        )


def test_feedback_needs_text_and_this_rubrics_criteria(world):
    with pytest.raises(ValidationError):
        _give(world, text="   ")
    with pytest.raises(ValidationError):
        _give(world, text="x" * 2001)
    foreign = world.work["olly"].assignment.criteria.first()
    with pytest.raises(ValidationError):
        _give(world, criteria=[foreign])
    assert not CoachFeedback.objects.exists()


def test_endorsing_records_coaching_at_coach_level_once(world, django_capture_on_commit_callbacks):
    """Tara endorses: one ledger row for Amira (Coaching, level 4, from the feedback), her
    standing is "Coach", she is told; a second endorsement is refused."""
    feedback = _give(world)
    with django_capture_on_commit_callbacks(execute=True):
        coach_feedback_endorse(feedback=feedback, by=world.people["tara"])
    evidence = CompetencyEvidence.objects.get(user=world.people["amira"])
    assert (evidence.competency, evidence.level, evidence.source) == (
        world.coaching,
        Level.COACH,
        feedback,
    )
    assert evidence.source_kind == CompetencyEvidence.Source.COACHING
    assert evidence.awarded_by == world.people["tara"]
    standing = CompetencyStanding.objects.get(user=world.people["amira"], competency=world.coaching)
    assert standing.level == Level.COACH
    assert "Your coaching is recorded: Reply to a complaint" in [m.subject for m in mail.outbox]
    with pytest.raises(ValidationError):
        coach_feedback_endorse(feedback=feedback, by=world.people["tara"])
    with pytest.raises(ValidationError):
        _give(world, text="Too late to change")


@pytest.mark.parametrize("name", ["otto", "amira", "lena"])
def test_only_the_cohorts_trainers_endorse(world, name):
    feedback = _give(world)
    with pytest.raises(PermissionDenied):
        coach_feedback_endorse(feedback=feedback, by=world.people[name])
    assert not CompetencyEvidence.objects.exists()


def test_endorsing_without_a_coaching_competency_says_so(world):
    world.coaching.is_coaching = False
    world.coaching.save()
    feedback = _give(world)
    with pytest.raises(ValidationError, match="No competency is marked as coaching"):
        coach_feedback_endorse(feedback=feedback, by=world.people["tara"])


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_coaching_page_for_every_role(client, request, role, world):
    """Everyone has the page; nobody but the coach sees the cohort as coached; trainers and
    leads see the cohorts whose coaches they manage (a trainer only their own)."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("coaching:home"))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "You do not coach a cohort" in body
    if role in ("lead", "site_admin"):
        assert "Other group" in body
        assert "Replying well" in body
    elif role == "trainer":
        assert "Replying well" in body
        assert "Other group" not in body
    else:
        assert "Coaches of cohorts" not in body


def test_the_coach_sees_their_cohort_and_gives_feedback(client, world):
    client.force_login(world.people["amira"])
    home = client.get(reverse("coaching:home")).content.decode()
    assert "Replying well" in home
    cohort = client.get(reverse("coaching:cohort", args=[world.cohort.pk])).content.decode()
    assert "Lena Reed" in cohort
    assert "Liam Ng" not in cohort
    url = reverse("coaching:work", args=[world.work["lena"].pk])
    page = client.get(url).content.decode()
    assert "https://www.linkedin.com/posts/lena-reply-123" in page
    criterion = _criteria(world)[0]
    response = client.post(url, {"text": "Good tone.", "criteria": [criterion.pk]})
    assert response.status_code == HTTPStatus.FOUND
    assert CoachFeedback.objects.get().criteria_shown.get() == criterion


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Say something the learner can act on."),
        ({"text": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        ({"text": "Kept text", "criteria": ["999999"]}, "Choose criteria of this assignment"),
        ({"text": "Kept text", "criteria": ["nope"]}, "Choose criteria of this assignment"),
    ],
)
def test_hostile_feedback_is_refused_and_kept(client, world, data, message):
    client.force_login(world.people["amira"])
    response = client.post(reverse("coaching:work", args=[world.work["lena"].pk]), data)
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert message in body
    if data["text"] == "Kept text":
        assert "Kept text" in body
    assert not CoachFeedback.objects.exists()


def test_script_in_feedback_is_text_for_the_learner(client, world):
    _give(world, text="<script>alert(1)</script>")
    client.force_login(world.people["lena"])
    assignment = world.assignment
    body = client.get(
        reverse("assessments:work", args=[world.cohort.pk, assignment.pk])
    ).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


@pytest.mark.parametrize("role", [*ROLES, "bob", "lena", "otto"])
def test_nobody_but_the_coach_reaches_the_coaching_of_a_cohort(client, request, role, world):
    """Every other role and person: the cohort's coaching pages are a 404."""
    person = world.people.get(role) or request.getfixturevalue(role)
    client.force_login(person)
    assert (
        client.get(reverse("coaching:cohort", args=[world.cohort.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert (
        client.get(reverse("coaching:work", args=[world.work["lena"].pk])).status_code
        == HTTPStatus.NOT_FOUND
    )


@pytest.mark.parametrize("work", ["liam", "amira", "olly"])
def test_the_coach_cannot_open_other_work_by_its_id(client, world, work):
    client.force_login(world.people["amira"])
    response = client.get(reverse("coaching:work", args=[world.work[work].pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "url_name", ["reports:index", "reports:readiness", "reports:heatmap", "advocacy:roster"]
)
def test_a_coach_never_sees_hr_figures(client, world, url_name):
    client.force_login(world.people["amira"])
    assert client.get(reverse(url_name)).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("learner", HTTPStatus.FORBIDDEN),
        ("manager", HTTPStatus.FORBIDDEN),
        ("hr", HTTPStatus.FORBIDDEN),
        ("trainer", HTTPStatus.OK),
        ("lead", HTTPStatus.OK),
        ("site_admin", HTTPStatus.OK),
        ("otto", HTTPStatus.NOT_FOUND),
        ("amira", HTTPStatus.FORBIDDEN),
    ],
)
def test_who_manages_a_cohorts_coaches(client, request, world, role, status):
    person = world.people.get(role) or request.getfixturevalue(role)
    client.force_login(person)
    url = reverse("coaching:coaches", args=[world.cohort.pk])
    assert client.get(url).status_code == status
    remove = reverse("coaching:remove", args=[world.cohort.pk, world.people["amira"].pk])
    response = client.post(remove)
    assert CohortCoach.objects.filter(cohort=world.cohort).exists() == (status != HTTPStatus.OK)
    if status != HTTPStatus.OK:
        assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)


def test_the_trainer_asks_an_ambassador_and_hostile_choices_are_refused(client, world, lead):
    client.force_login(lead)
    url = reverse("coaching:coaches", args=[world.other.pk])
    for value in ("", "999999", str(world.people["bob"].pk), "x"):
        response = client.post(url, {"coach": value})
        assert response.status_code == HTTPStatus.OK
        assert "Choose" in response.content.decode()
    assert not CohortCoach.objects.filter(cohort=world.other).exists()
    response = client.post(url, {"coach": world.people["amira"].pk})
    assert response.status_code == HTTPStatus.FOUND
    assert CohortCoach.objects.filter(cohort=world.other).exists()
    assert "No active ambassador is free" in client.get(url).content.decode()


def test_the_learner_reads_the_coachs_feedback_as_a_coachs(client, world):
    _give(world)
    client.force_login(world.people["lena"])
    body = client.get(
        reverse("assessments:work", args=[world.cohort.pk, world.assignment.pk])
    ).content.decode()
    assert "Feedback from a coach" in body
    assert "Amira Abbas, coach" in body
    assert "your trainer decides" in body
    assert "Endorse this coaching" not in body


def test_the_review_screen_shows_it_and_the_trainer_endorses(client, world):
    _give(world)
    client.force_login(world.people["tara"])
    review = reverse("assessments_admin:review", args=[world.work["lena"].pk])
    body = client.get(review).content.decode()
    assert "Amira Abbas, coach" in body
    assert "Endorse this coaching" in body
    feedback = CoachFeedback.objects.get()
    response = client.post(reverse("coaching:endorse", args=[feedback.pk]), {"next": review})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == review
    assert CompetencyEvidence.objects.filter(user=world.people["amira"]).count() == 1
    assert "Endorsed by" in client.get(review).content.decode()


@pytest.mark.parametrize("name", ["otto", "amira", "lena"])
def test_nobody_else_endorses(client, world, name):
    feedback = _give(world)
    client.force_login(world.people[name])
    response = client.post(reverse("coaching:endorse", args=[feedback.pk]), {"next": "/"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not CompetencyEvidence.objects.exists()


def test_endorse_is_post_only_and_next_stays_on_the_site(client, world):
    feedback = _give(world)
    client.force_login(world.people["tara"])
    url = reverse("coaching:endorse", args=[feedback.pk])
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_coach_pages_have_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from tests.assessments.helpers_review import attempt, member

    client.force_login(world.people["amira"])
    url = reverse("coaching:cohort", args=[world.cohort.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for index in range(10):
        attempt(world.assignment, world.cohort, member(world.cohort, email=f"m{index}@x.example"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
