"""States that mean one thing: feedback is "new" until the learner opens it (a POST, never
a page view), and accepted work is done, so it leaves "What's due"."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import services
from assessments.models import Review, Submission
from core.personcache import person_changed

from .helpers_review import assignment_for, attempt, decided, member, running_cohort

pytestmark = pytest.mark.django_db
Status = Submission.Status
DASHBOARD = reverse("dashboard")
MINE = reverse("assessments:mine")


@pytest.fixture
def cohort(trainer):
    return running_cohort(trainers=[trainer], name="Replying at Kestrel Rail")


@pytest.fixture
def lena(cohort):
    return member(cohort, first_name="Lena")


@pytest.fixture
def sent_back(cohort, lena, trainer):
    """Lena's first attempt, sent back with feedback."""
    task = assignment_for(cohort, title="Reply to a complaint")
    return decided(attempt(task, cohort, lena), by=trainer, feedback="Name the delay.").submission


@pytest.fixture
def accepted(cohort, lena, trainer):
    """Lena's accepted work, feedback not opened yet."""
    task = assignment_for(cohort, title="Tidy your profile")
    return decided(
        attempt(task, cohort, lena),
        by=trainer,
        decision=Review.Decision.ACCEPTED,
        feedback="Clear and calm.",
    ).submission


def open_url(submission) -> str:
    return reverse("assessments:feedback_open", args=[submission.pk])


def whats_due(client):
    """The panel as the dashboard view made it (not a kept copy, which has no context)."""
    person_changed(client.session["_auth_user_id"])
    panel = next(p for p in client.get(DASHBOARD).context["panels"] if p.key == "whats-due")
    return panel


def test_feedback_is_new_until_opened_then_read(client, lena, sent_back):
    """ "New feedback" shows with a button; pressing it marks the review read and opens the
    attempt on the work page; after that the tag and the button are gone."""
    client.force_login(lena)
    html = client.get(DASHBOARD).content.decode()
    assert "New feedback" in html
    assert open_url(sent_back) in html
    response = client.post(open_url(sent_back))
    assert response.status_code == HTTPStatus.FOUND
    work = reverse("assessments:work", args=[sent_back.cohort_id, sent_back.assignment_id])
    assert response["Location"] == f"{work}#attempt-1"
    sent_back.review.refresh_from_db()
    assert sent_back.review.read_at is not None
    html = client.get(DASHBOARD).content.decode()
    assert "New feedback" not in html
    assert open_url(sent_back) not in html
    # Still due: a revision is asked for.
    assert [i.window.assignment.title for i in whats_due(client).context["items"]] == [
        "Reply to a complaint"
    ]


def test_viewing_pages_never_marks_feedback_read(client, lena, sent_back):
    """The dashboard, "Your practice" and the work page itself are GETs: they write
    nothing, and a GET of the button's address is refused."""
    client.force_login(lena)
    work = reverse("assessments:work", args=[sent_back.cohort_id, sent_back.assignment_id])
    for url in (DASHBOARD, MINE, work):
        assert client.get(url).status_code == HTTPStatus.OK
    assert client.get(open_url(sent_back)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    sent_back.review.refresh_from_db()
    assert sent_back.review.read_at is None
    # The work page offers the explicit action for people who arrive from the e-mail.
    assert "Mark the feedback as read" in client.get(work).content.decode()


def test_opening_twice_keeps_the_first_time(client, lena, sent_back):
    """A repeated POST changes nothing: the time it was first read stays."""
    client.force_login(lena)
    client.post(open_url(sent_back))
    first = Review.objects.get(pk=sent_back.review.pk).read_at
    assert client.post(open_url(sent_back)).status_code == HTTPStatus.FOUND
    assert Review.objects.get(pk=sent_back.review.pk).read_at == first


@pytest.mark.parametrize("who", ["trainer", "learner", "site_admin", "hr"])
def test_nobody_else_can_mark_it_read(client, request, sent_back, who):
    """Anyone but the author gets a 404 (the trainer and site admins included), and the
    feedback stays new for the learner."""
    client.force_login(request.getfixturevalue(who))
    assert client.post(open_url(sent_back)).status_code == HTTPStatus.NOT_FOUND
    sent_back.review.refresh_from_db()
    assert sent_back.review.read_at is None


def test_anonymous_is_sent_to_log_in(client, sent_back):
    response = client.post(open_url(sent_back))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("pk", ["0", "999999", "abc", "-1", "1e3"])
def test_malformed_and_unknown_ids(client, lena, sent_back, pk):
    """Unknown ids are 404; ids that are not numbers do not match the address at all."""
    client.force_login(lena)
    response = client.post(f"/practice/submission/{pk}/feedback/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_attempt_without_a_decision_has_no_feedback_to_open(client, cohort, lena):
    """A submitted attempt waiting for review: 404, nothing written."""
    waiting = attempt(assignment_for(cohort), cohort, lena)
    client.force_login(lena)
    assert client.post(open_url(waiting)).status_code == HTTPStatus.NOT_FOUND


def test_the_service_refuses_anyone_but_the_author(sent_back, trainer):
    with pytest.raises(PermissionDenied):
        services.review_mark_read(submission=sent_back, by=trainer)


def test_accepted_work_leaves_whats_due(client, lena, accepted):
    """Accepted work is done: not under "What's due", but under "New feedback on accepted
    work" until opened; then it leaves the dashboard altogether."""
    client.force_login(lena)
    panel = whats_due(client)
    assert panel.context["items"] == []
    assert [i.submission for i in panel.context["feedback"]] == [accepted]
    html = client.get(DASHBOARD).content.decode()
    assert "New feedback on accepted work" in html
    client.post(open_url(accepted))
    panel = whats_due(client)
    assert panel.context["items"] == []
    assert panel.context["feedback"] == []
    assert "New feedback on accepted work" not in client.get(DASHBOARD).content.decode()
    # "Your practice" still lists it, as accepted.
    assert "Accepted" in client.get(MINE).content.decode()


def test_due_and_done_side_by_side(client, cohort, lena, trainer, accepted):
    """One piece due, one accepted: only the due one is "due"."""
    assignment_for(cohort, title="Listen for a week")
    client.force_login(lena)
    titles = [i.window.assignment.title for i in whats_due(client).context["items"]]
    assert titles == ["Listen for a week"]
