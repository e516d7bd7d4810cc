"""The trainers' review queue and review screen in the Wagtail admin: who may open them,
what they show, deciding against the rubric, refused and hostile input, and query counts."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Review, RubricCriterion, Submission
from cms.models import Platform
from competencies.levels import Level
from competencies.models import CompetencyEvidence, CompetencyStanding
from people.models import User
from tests.factories import (
    AssignmentFactory,
    CompetencyFactory,
    EnrollmentFactory,
    UserFactory,
    add_role,
)

from .helpers_review import Status, assignment_for, attempt, decided, member, running_cohort

pytestmark = pytest.mark.django_db
QUEUE = reverse("assessments_admin:queue")
Decision = Review.Decision


@pytest.fixture
def mine(trainer):
    return running_cohort(trainers=[trainer])


@pytest.fixture
def task(mine):
    """An assignment with two criteria: listening at level 2, replying at level 3."""
    task = assignment_for(mine, title="Reply to a complaint", criteria=0)
    RubricCriterion.objects.create(
        assignment=task,
        description="Acknowledges the problem in public",
        competency=CompetencyFactory(name="Listening"),
        level=Level.PRACTISING,
        sort_order=0,
    )
    RubricCriterion.objects.create(
        assignment=task,
        description="Moves the details to a private channel",
        competency=CompetencyFactory(name="Replying"),
        level=Level.PROFICIENT,
        sort_order=1,
    )
    return task


@pytest.fixture
def lena(mine):
    return member(mine, first_name="Lena", last_name="Learner", email="lena@spoke.example")


@pytest.fixture
def waiting(task, mine, lena):
    return attempt(task, mine, lena)


def review_url(submission):
    return reverse("assessments_admin:review", args=[submission.pk])


def criteria(task):
    return list(task.criteria.order_by("sort_order"))


def html(response) -> str:
    return response.content.decode()


# --- Who may open the screens -------------------------------------------------------------


@pytest.mark.parametrize("role", ["learner", "manager"])
def test_people_outside_the_admin_are_sent_to_log_in(client, request, waiting, role):
    """Learners and managers never reach the admin."""
    client.force_login(request.getfixturevalue(role))
    for page in (QUEUE, review_url(waiting)):
        response = client.get(page)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] != "/admin/"


def test_anonymous_visitors_are_sent_to_log_in(client, waiting):
    response = client.get(review_url(waiting))
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_hr_and_leads_are_turned_back_to_the_admin(client, request, waiting, role):
    """HR and advocacy leads may use the admin but not the reviews: Wagtail turns them
    back, and nothing of the work shows."""
    client.force_login(request.getfixturevalue(role))
    for page in (QUEUE, review_url(waiting)):
        response = client.get(page, follow=True)
        assert response.redirect_chain == [("/admin/", HTTPStatus.FOUND)]
        assert "calmly" not in html(response)
    response = client.post(review_url(waiting), {"decision": "needs_revision", "feedback": "No"})
    assert response.status_code == HTTPStatus.FOUND
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED


def test_a_trainer_of_another_cohort_gets_not_found(client, waiting):
    """Another cohort's work does not exist for them: 404, and it is not in their queue."""
    other = add_role(UserFactory(), "Trainer")
    running_cohort(trainers=[other], name="Theirs")
    client.force_login(other)
    assert client.get(review_url(waiting)).status_code == HTTPStatus.NOT_FOUND
    response = client.post(
        review_url(waiting),
        {"decision": "accepted", "criteria_met": [c.pk for c in criteria(waiting.assignment)]},
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Review.objects.exists()
    assert list(client.get(QUEUE).context["page"].object_list) == []


def test_a_site_admin_sees_every_cohorts_work(client, site_admin, waiting):
    client.force_login(site_admin)
    assert list(client.get(QUEUE).context["page"].object_list) == [waiting]
    assert client.get(review_url(waiting)).status_code == HTTPStatus.OK


def test_an_unknown_submission_is_not_found(client, trainer, waiting):
    client.force_login(trainer)
    assert (
        client.get(reverse("assessments_admin:review", args=[waiting.pk + 1000])).status_code == 404
    )


def test_the_menu_shows_review_practice_to_trainers_with_the_count(client, trainer, hr, waiting):
    """Trainers see "Review practice" and how much waits; HR do not see it."""
    client.force_login(trainer)
    page = html(client.get("/admin/"))
    assert QUEUE in page
    assert "Review practice (1)" in page
    client.force_login(hr)
    assert QUEUE not in html(client.get("/admin/"))


# --- The queue ----------------------------------------------------------------------------


def test_the_queue_lists_work_waiting_in_my_cohorts_oldest_first(client, trainer, mine, task):
    """Only submitted work of my cohorts, oldest first, with the facts a trainer sorts by."""
    newer = attempt(task, mine, member(mine, last_name="Newer"), ago=timedelta(hours=2))
    older = attempt(
        task,
        mine,
        member(mine, last_name="Older"),
        ago=timedelta(days=3),
        number=2,
        is_late=True,
        link_check=Submission.LinkCheck.OK,
    )
    attempt(task, mine, member(mine), status=Status.DRAFT)
    decided(attempt(task, mine, member(mine)), by=trainer)
    theirs = running_cohort(name="Someone else's")
    attempt(assignment_for(theirs), theirs, member(theirs))
    client.force_login(trainer)
    response = client.get(QUEUE)
    assert list(response.context["page"].object_list) == [older, newer]
    page = html(response)
    assert "Reply to a complaint" in page
    assert "Replying well" in page
    assert "late" in page
    assert "Answered" in page  # the link check of the older one
    assert "Not checked yet" in page  # the newer one's
    assert "2 submissions wait for a decision" in page


def test_the_queue_filters_by_cohort_and_assignment(client, trainer, mine, task):
    second = running_cohort(trainers=[trainer], name="Second group")
    other_task = assignment_for(mine, title="Listen for a week")
    a = attempt(task, mine, member(mine))
    b = attempt(other_task, mine, member(mine))
    c = attempt(assignment_for(second), second, member(second))
    client.force_login(trainer)
    by_cohort = client.get(QUEUE, {"cohort": second.pk})
    assert list(by_cohort.context["page"].object_list) == [c]
    assert {row["cohort_id"] for row in by_cohort.context["cohorts"]} == {mine.pk, second.pk}
    by_task = client.get(QUEUE, {"assignment": other_task.pk})
    assert list(by_task.context["page"].object_list) == [b]
    both = client.get(QUEUE, {"cohort": mine.pk, "assignment": task.pk})
    assert list(both.context["page"].object_list) == [a]
    assert {row["assignment_id"] for row in both.context["assignments"]} == {task.pk, other_task.pk}


@pytest.mark.parametrize(
    "value", ["x", "-1", "0", "1e3", "99999999999999999999", "\u0661", " ", "%00", "1;DROP"]
)
def test_malformed_filters_are_ignored(client, trainer, waiting, value):
    """Anything that is not an id of mine shows the whole queue, never an error."""
    client.force_login(trainer)
    response = client.get(QUEUE, {"cohort": value, "assignment": value, "p": value})
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["page"].object_list) == [waiting]
    assert response.context["filtered"] is False


def test_filters_on_someone_elses_cohort_or_assignment_are_ignored(client, trainer, waiting):
    """Ids of a cohort or an assignment I do not run are not choices, and not applied."""
    theirs = running_cohort(name="Secret cohort")
    their_task = assignment_for(theirs, title="Secret task")
    attempt(their_task, theirs, member(theirs))
    client.force_login(trainer)
    response = client.get(QUEUE, {"cohort": theirs.pk, "assignment": their_task.pk})
    assert list(response.context["page"].object_list) == [waiting]
    assert "Secret" not in html(response)


def test_a_filter_on_my_cohort_with_nothing_waiting_says_so(client, trainer, waiting):
    quiet = running_cohort(trainers=[trainer], name="Quiet group")
    client.force_login(trainer)
    response = client.get(QUEUE, {"cohort": quiet.pk})
    assert list(response.context["page"].object_list) == []
    assert "Nothing waits for a review with these filters." in html(response)
    assert "Quiet group (0)" in html(response)


def test_the_queue_is_paginated_and_has_an_empty_state(client, trainer, mine, task):
    client.force_login(trainer)
    assert "Nothing waits for a review in your cohorts" in html(client.get(QUEUE))
    for n in range(27):
        attempt(task, mine, member(mine), ago=timedelta(minutes=100 - n))
    first = client.get(QUEUE)
    assert len(first.context["page"].object_list) == 25
    second = client.get(QUEUE, {"cohort": mine.pk, "p": "2"})
    assert len(second.context["page"].object_list) == 2
    assert f"cohort={mine.pk}&amp;p=1" in html(second)


# --- The review screen --------------------------------------------------------------------


def test_the_review_shows_the_evidence(client, trainer, mine, task, lena):
    """The link opens in a new tab without leaking the admin; the platform, the link check,
    the screenshot (through the guarded URL, with alt text) and the reflection as plain text,
    with its paragraphs."""
    platform = Platform.objects.order_by("pk").first() or Platform.objects.create(
        name="LinkedIn", slug="linkedin"
    )
    submission = attempt(
        task,
        mine,
        lena,
        platform=platform,
        screenshot="screenshots/abc123.png",
        screenshot_width=800,
        screenshot_height=600,
        reflection="I answered <strong>calmly</strong>.\n\nThen I moved to DMs.",
    )
    client.force_login(trainer)
    page = html(client.get(review_url(submission)))
    assert re.search(
        r'<a href="https://www\.linkedin\.com/posts/lena-reply-123"\s+target="_blank"\s+'
        r'rel="noopener noreferrer nofollow">',
        page,
    )
    assert f"On {platform.name}" in page
    assert "Not checked yet" in page
    screenshot = reverse("assessments:screenshot", args=[submission.pk])
    assert f'src="{screenshot}"' in page
    assert 'alt="Screenshot handed in by Lena Learner with attempt 1"' in page
    assert (
        "<p>I answered &lt;strong&gt;calmly&lt;/strong&gt;.</p>\n\n<p>Then I moved to DMs.</p>"
        in page
    )
    assert "Acknowledges the problem in public" in page
    assert "Proficient (3 of 4)" in page
    assert 'value="accepted"' in page
    assert 'value="needs_revision"' in page


def test_the_review_shows_what_the_link_check_found(client, trainer, waiting):
    Submission.objects.filter(pk=waiting.pk).update(
        link_check=Submission.LinkCheck.OK,
        link_http_status=200,
        link_title="Lena on LinkedIn",
        link_checked_at=timezone.now(),
    )
    client.force_login(trainer)
    page = html(client.get(review_url(waiting)))
    assert "Answered" in page
    assert "HTTP 200" in page
    assert "“Lena on LinkedIn”" in page


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,<script>x</script>", "//evil.example/x"]
)
def test_a_link_that_is_not_a_web_address_is_shown_as_text(client, trainer, task, mine, lena, link):
    submission = attempt(task, mine, lena, link_url=link)
    client.force_login(trainer)
    page = html(client.get(review_url(submission)))
    assert 'href="javascript' not in page
    assert 'href="data:' not in page
    assert 'href="//evil' not in page
    assert "<script>x" not in page
    assert "not a web address" in page


def test_the_review_shows_earlier_attempts_with_their_reviews(client, trainer, task, mine, lena):
    first = attempt(task, mine, lena, ago=timedelta(days=4), reflection="First go.")
    decided(first, by=trainer, feedback="Say how you moved it to a private message.")
    second = attempt(task, mine, lena, number=2, reflection="Second go.")
    client.force_login(trainer)
    page = html(client.get(review_url(second)))
    assert "Earlier attempts" in page
    assert "Attempt 1: Needs revision" in page
    assert "<p>First go.</p>" in page
    assert "Say how you moved it to a private message." in page
    assert "by Tara Trainer" in page
    older = html(client.get(review_url(first)))
    assert "Later attempts" in older
    assert review_url(second) in older


def test_a_draft_shows_no_evidence_and_cannot_be_decided(client, trainer, task, mine, lena):
    draft = attempt(task, mine, lena, status=Status.DRAFT, reflection="Half-written")
    client.force_login(trainer)
    page = html(client.get(review_url(draft)))
    assert "not handed in yet" in page
    assert "Half-written" not in page
    assert 'value="accepted"' not in page
    response = client.post(
        review_url(draft), {"decision": "accepted", "criteria_met": [criteria(task)[0].pk]}
    )
    assert "not handed in yet" in html(response)
    assert not Review.objects.exists()


# --- Deciding -----------------------------------------------------------------------------


def test_accepting_writes_evidence_per_ticked_criterion_and_tells_the_person_once(
    client, trainer, waiting, committed
):
    listening, replying = criteria(waiting.assignment)
    client.force_login(trainer)
    with committed():
        response = client.post(
            review_url(waiting),
            {
                "decision": "accepted",
                "criteria_met": [replying.pk],
                "feedback": "  Calm and clear. ",
            },
        )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == QUEUE
    waiting.refresh_from_db()
    assert waiting.status == Status.ACCEPTED
    review = Review.objects.get(submission=waiting)
    assert (review.decision, review.reviewer, review.feedback) == (
        Decision.ACCEPTED,
        trainer,
        "Calm and clear.",
    )
    assert list(review.criteria_met.all()) == [replying]
    evidence = CompetencyEvidence.objects.get(user=waiting.user)
    assert (evidence.competency, evidence.level, evidence.source_kind, evidence.awarded_by) == (
        replying.competency,
        Level.PROFICIENT,
        CompetencyEvidence.Source.PRACTICE_REVIEW,
        trainer,
    )
    assert evidence.source == review
    standing = CompetencyStanding.objects.get(user=waiting.user, competency=replying.competency)
    assert standing.level == Level.PROFICIENT
    assert not CompetencyStanding.objects.filter(competency=listening.competency).exists()
    assert [message.to for message in mail.outbox] == [["lena@spoke.example"]]
    assert "Calm and clear." in mail.outbox[0].body
    queue = client.get(QUEUE)
    assert list(queue.context["page"].object_list) == []
    assert "Accepted: “Reply to a complaint” by Lena Learner" in html(queue)


def test_accepting_with_every_criterion_writes_one_row_each(client, trainer, waiting, committed):
    client.force_login(trainer)
    with committed():
        client.post(
            review_url(waiting),
            {"decision": "accepted", "criteria_met": [c.pk for c in criteria(waiting.assignment)]},
        )
    assert CompetencyEvidence.objects.filter(user=waiting.user).count() == 2
    assert dict(
        CompetencyStanding.objects.filter(user=waiting.user).values_list(
            "competency__name", "level"
        )
    ) == {"Listening": Level.PRACTISING, "Replying": Level.PROFICIENT}
    assert len(mail.outbox) == 1


def test_asking_for_a_revision_sends_the_feedback(client, trainer, waiting, committed):
    client.force_login(trainer)
    with committed():
        response = client.post(
            review_url(waiting),
            {"decision": "needs_revision", "feedback": "Reply in public first, then go private."},
        )
    assert response.status_code == HTTPStatus.FOUND
    waiting.refresh_from_db()
    assert waiting.status == Status.NEEDS_REVISION
    assert not CompetencyEvidence.objects.exists()
    assert len(mail.outbox) == 1
    assert "Reply in public first" in mail.outbox[0].body


def test_accepting_with_no_criterion_ticked_is_refused_and_keeps_the_feedback(
    client, trainer, waiting
):
    client.force_login(trainer)
    response = client.post(
        review_url(waiting), {"decision": "accepted", "feedback": "Lovely tone, keep it."}
    )
    assert response.status_code == HTTPStatus.OK
    page = html(response)
    assert "Tick the criteria the work meets: accepting needs one." in page
    assert "Lovely tone, keep it." in page
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED
    assert not Review.objects.exists()


def test_a_revision_without_feedback_is_refused_and_keeps_the_ticks(client, trainer, waiting):
    listening, replying = criteria(waiting.assignment)
    client.force_login(trainer)
    response = client.post(
        review_url(waiting),
        {"decision": "needs_revision", "criteria_met": [listening.pk], "feedback": "   "},
    )
    page = html(response)
    assert "Say what to change: a revision needs feedback." in page
    assert re.search(rf'value="{listening.pk}"\s+checked>', page)
    ticks = {criterion.pk: ticked for criterion, ticked, _level in response.context["form"].rows()}
    assert ticks == {listening.pk: True, replying.pk: False}
    assert not Review.objects.exists()


def test_work_decided_by_another_trainer_meanwhile_keeps_what_was_typed(client, trainer, waiting):
    """The second trainer is told who decided, sees the decision, and loses nothing."""
    listening, _replying = criteria(waiting.assignment)
    colleague = add_role(UserFactory(first_name="Colin", last_name="Colleague"), "Trainer")
    waiting.cohort.trainers.add(colleague)
    client.force_login(trainer)
    form = client.get(review_url(waiting))
    assert form.context["can_decide"]
    decided(waiting, by=colleague, decision=Decision.ACCEPTED, feedback="Already fine.")
    response = client.post(
        review_url(waiting),
        {"decision": "accepted", "criteria_met": [listening.pk], "feedback": "My own words here."},
    )
    assert response.status_code == HTTPStatus.OK
    page = html(response)
    assert "This work was already decided by Colin Colleague: it is accepted." in page
    assert "Already fine." in page  # the decision, read-only
    assert "My own words here." in page  # what this trainer typed
    assert 'value="accepted"' not in page  # no buttons to decide again
    assert {c.pk: t for c, t, _l in response.context["form"].rows()}[listening.pk]
    assert Review.objects.count() == 1


def test_a_decided_submission_is_shown_read_only(client, trainer, waiting):
    listening, _replying = criteria(waiting.assignment)
    review = decided(waiting, by=trainer, decision=Decision.ACCEPTED, feedback="Good work.")
    review.criteria_met.set([listening])
    client.force_login(trainer)
    page = html(client.get(review_url(waiting)))
    assert "Accepted" in page
    assert "Good work." in page
    assert "Acknowledges the problem in public — Listening, Practising" in page
    assert "<textarea" not in page
    assert 'name="decision"' not in page


def test_a_trainer_cannot_review_their_own_work(client, trainer, mine, task):
    EnrollmentFactory(cohort=mine, user=trainer)
    own = attempt(task, mine, trainer)
    client.force_login(trainer)
    response = client.post(review_url(own), {"decision": "needs_revision", "feedback": "Hmm"})
    assert "Nobody reviews their own work." in html(response)
    assert not Review.objects.exists()


# --- Hostile input ------------------------------------------------------------------------


def test_feedback_of_100_kb_is_refused_and_kept(client, trainer, waiting):
    listening, _replying = criteria(waiting.assignment)
    huge = "Really long feedback. " * 4700  # about 100 KB
    client.force_login(trainer)
    response = client.post(
        review_url(waiting),
        {"decision": "needs_revision", "criteria_met": [listening.pk], "feedback": huge},
    )
    assert response.status_code == HTTPStatus.OK
    page = html(response)
    assert "Ensure this value has at most 10000 characters" in page
    assert huge.strip() in page
    assert response.context["form"].rows()[0][1] is True
    assert not Review.objects.exists()


def test_criteria_of_another_assignment_are_refused(client, trainer, waiting, mine):
    stranger = AssignmentFactory(course=mine.course, criteria=1).criteria.get()
    client.force_login(trainer)
    response = client.post(
        review_url(waiting),
        {"decision": "accepted", "criteria_met": [stranger.pk], "feedback": "Keep me"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "A criterion that is not on this rubric was sent" in html(response)
    assert "Keep me" in html(response)
    assert not Review.objects.exists()
    assert not CompetencyEvidence.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "approve"},
        {"decision": ""},
        {},
        {"decision": "accepted", "criteria_met": ["abc"]},
        {"decision": "accepted", "criteria_met": ["99999999999999999999"]},
        {"decision": "accepted", "criteria_met": ["-1"]},
    ],
    ids=["not-a-choice", "empty", "nothing", "text-id", "huge-id", "negative"],
)
def test_malformed_decisions_are_refused_without_an_error_page(client, trainer, waiting, data):
    client.force_login(trainer)
    response = client.post(review_url(waiting), {**data, "feedback": "Kept as typed"})
    assert response.status_code == HTTPStatus.OK
    assert "Kept as typed" in html(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED
    assert not Review.objects.exists()


# --- Query counts -------------------------------------------------------------------------


def _bulk_waiting(cohorts, tasks, count, *, batch):
    """``count`` submitted attempts spread over ``cohorts`` (each with its own task)."""
    users = User.objects.bulk_create(
        User(email=f"bulk{batch}-{n}@spoke.example", first_name="Bulk", last_name=str(n))
        for n in range(count)
    )
    now = timezone.now()
    Submission.objects.bulk_create(
        Submission(
            assignment=tasks[n % len(tasks)],
            cohort=cohorts[n % len(cohorts)],
            user=user,
            status=Status.SUBMITTED,
            submitted_at=now - timedelta(minutes=n),
            link_url="https://www.linkedin.com/posts/x",
        )
        for n, user in enumerate(users)
    )


def _queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data or {}).status_code == HTTPStatus.OK
    return len(captured)


QUEUE_BOUND = 20
REVIEW_BOUND = 20


def test_the_queue_needs_a_fixed_number_of_queries(client, trainer, django_assert_max_num_queries):
    """Measured with 3 submissions, then with 500 in 10 cohorts: the same count."""
    cohorts = [running_cohort(trainers=[trainer], name=f"Group {n}") for n in range(10)]
    tasks = [assignment_for(cohort) for cohort in cohorts]
    _bulk_waiting(cohorts[:1], tasks[:1], 3, batch=1)
    client.force_login(trainer)
    client.get(QUEUE)  # warm the caches that do not depend on the data
    small = _queries(client, QUEUE)
    filtered_small = _queries(client, QUEUE, {"cohort": cohorts[0].pk, "assignment": tasks[0].pk})
    Submission.objects.all().delete()
    _bulk_waiting(cohorts, tasks, 500, batch=2)
    with django_assert_max_num_queries(QUEUE_BOUND):
        response = client.get(QUEUE, {"p": "3"})
    assert len(response.context["page"].object_list) == 25
    assert _queries(client, QUEUE) == small
    assert (
        _queries(client, QUEUE, {"cohort": cohorts[0].pk, "assignment": tasks[0].pk})
        == filtered_small
    )


def test_the_review_needs_a_fixed_number_of_queries(
    client, trainer, task, mine, lena, django_assert_max_num_queries
):
    """However many earlier attempts and criteria met, the page costs the same."""
    first = attempt(task, mine, lena, ago=timedelta(days=9))
    decided(first, by=trainer).criteria_met.set(criteria(task))
    current = attempt(task, mine, lena, number=2)
    client.force_login(trainer)
    client.get(review_url(current))
    small = _queries(client, review_url(current))
    current.status = Status.NEEDS_REVISION
    current.save()
    for number in range(3, 12):
        earlier = attempt(task, mine, lena, number=number, status=Status.NEEDS_REVISION)
        Review.objects.create(
            submission=earlier, reviewer=trainer, decision=Decision.NEEDS_REVISION, feedback="x"
        ).criteria_met.set(criteria(task))
    last = attempt(task, mine, lena, number=12)
    with django_assert_max_num_queries(REVIEW_BOUND):
        response = client.get(review_url(last))
    assert len(response.context["earlier"]) == 11
    assert _queries(client, review_url(last)) == small
