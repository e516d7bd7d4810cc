"""What a person has to practise: the "Your practice" page, the dashboard's "What's due"
panel and the "Practice" section of a cohort's page; who sees them, what they show, and
their query counts."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssignmentWindow, Review, Submission
from assessments.panels import PANEL_ITEMS, cohort_practice_section, whats_due_panel
from cohorts.models import Enrollment
from cohorts.selectors import cohort_access_for
from people.models import zone_or_utc
from tests.factories import EnrollmentFactory

from .helpers_review import assignment_for, attempt, decided, member, running_cohort

pytestmark = pytest.mark.django_db
Status = Submission.Status
MINE = reverse("assessments:mine")
DASHBOARD = reverse("dashboard")


@pytest.fixture
def cohort(trainer):
    return running_cohort(trainers=[trainer], name="Listening at Kestrel Rail")


@pytest.fixture
def lena(cohort):
    return member(cohort, first_name="Lena", time_zone="Asia/Tokyo")


def work_url(cohort, task) -> str:
    return reverse("assessments:work", args=[cohort.pk, task.pk])


def panels_of(response) -> dict:
    return {panel.key: panel for panel in response.context["panels"]}


# --- "Your practice" ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(MINE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_open_work_by_due_date_in_the_persons_zone(client, cohort, lena):
    """Open assignments with their cohort, due date (in the person's zone) and state; not
    those that have not opened yet."""
    first = assignment_for(cohort, title="Listen first")
    assignment_for(cohort, title="Not open yet", after_session=2)
    client.force_login(lena)
    response = client.get(MINE)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'href="{work_url(cohort, first)}"' in html
    assert "Listening at Kestrel Rail" in html
    assert "Not open yet" not in html
    assert "Not started" in html
    due = cohort.sessions.get(number=2).starts_at.astimezone(zone_or_utc("Asia/Tokyo"))
    assert due.strftime("%H:%M") in html
    assert "Asia/Tokyo" in html
    assert "no-store" in response["Cache-Control"]


def test_late_and_feedback_badges(client, cohort, lena, trainer):
    """Overdue work is marked late; reviewed work not opened yet says "New feedback"."""
    now = timezone.now()
    overdue = assignment_for(cohort, title="Overdue one")
    AssignmentWindow.objects.create(
        cohort=cohort, assignment=overdue, opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=1),
    )  # fmt: skip
    revise = assignment_for(cohort, title="Needs another go")
    decided(attempt(revise, cohort, lena), by=trainer, feedback="Add the link.")
    client.force_login(lena)
    items = {item.window.assignment.title: item for item in client.get(MINE).context["items"]}
    assert items["Overdue one"].is_overdue
    assert items["Needs another go"].has_feedback
    assert items["Needs another go"].feedback_unread
    assert items["Needs another go"].state_label == "Needs revision"
    html = client.get(MINE).content.decode()
    assert "Late" in html
    assert "New feedback" in html


def test_someone_elses_work_and_cohorts_are_not_listed(client, cohort, lena):
    """Only the cohorts where the person holds a place count."""
    assignment_for(cohort, title="Mine to do")
    elsewhere = running_cohort(name="Someone else's cohort")
    assignment_for(elsewhere, title="Not mine")
    EnrollmentFactory(cohort=running_cohort(name="Waiting list"), user=lena,
                      status=Enrollment.Status.WAITLISTED)  # fmt: skip
    client.force_login(lena)
    html = client.get(MINE).content.decode()
    assert "Mine to do" in html
    assert "Not mine" not in html
    assert "Someone else" not in html


@pytest.mark.parametrize("who", ["hr", "trainer", "learner"])
def test_people_with_nothing_to_do_see_the_empty_state(client, request, cohort, who):
    """HR, a trainer and a learner in no cohort get the page with its empty state."""
    assignment_for(cohort)
    client.force_login(request.getfixturevalue(who))
    response = client.get(MINE)
    assert response.status_code == HTTPStatus.OK
    assert response.context["items"] == []
    assert b"Nothing to practise right now" in response.content


# --- The dashboard panel ------------------------------------------------------------------


def test_the_panel_lists_what_is_due_with_a_link_to_the_work(client, cohort, lena):
    task = assignment_for(cohort, title="Listen first")
    client.force_login(lena)
    response = client.get(DASHBOARD)
    panel = panels_of(response)["whats-due"]
    assert panel.title == "What's due"
    assert [item.window.assignment for item in panel.context["items"]] == [task]
    html = response.content.decode()
    assert f'href="{work_url(cohort, task)}"' in html
    assert f'href="{MINE}"' in html


def test_a_member_with_nothing_open_sees_the_empty_state(client, cohort, lena):
    """Holding a place in a current cohort shows the panel, saying nothing is due."""
    assignment_for(cohort, after_session=2)
    client.force_login(lena)
    response = client.get(DASHBOARD)
    assert panels_of(response)["whats-due"].context["items"] == []
    assert b"Nothing to practise right now" in response.content


@pytest.mark.parametrize("who", ["hr", "trainer", "learner"])
def test_the_panel_is_hidden_from_people_in_no_cohort(client, request, cohort, who):
    """HR, trainers and learners without a place have no practice panel."""
    assignment_for(cohort)
    client.force_login(request.getfixturevalue(who))
    assert "whats-due" not in panels_of(client.get(DASHBOARD))


def test_the_panel_is_hidden_once_the_cohort_is_long_over(client, cohort, lena):
    """A cohort that finished a month ago no longer counts as current."""
    now = timezone.now()
    type(cohort).objects.filter(pk=cohort.pk).update(
        starts_at=now - timedelta(days=60), ends_at=now - timedelta(days=30)
    )
    client.force_login(lena)
    assert "whats-due" not in panels_of(client.get(DASHBOARD))


def test_waitlisted_people_get_no_panel(client, cohort):
    assignment_for(cohort)
    person = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.WAITLISTED).user
    client.force_login(person)
    assert "whats-due" not in panels_of(client.get(DASHBOARD))


def test_the_panel_shows_the_first_few_and_links_to_the_rest(client, cohort, lena):
    for number in range(PANEL_ITEMS + 2):
        assignment_for(cohort, title=f"Task {number:02}")
    client.force_login(lena)
    response = client.get(DASHBOARD)
    panel = panels_of(response)["whats-due"]
    assert len(panel.context["items"]) == PANEL_ITEMS
    assert panel.context["more"] == 2
    assert b"See 2 more" in response.content


def test_accepted_work_leaves_the_list_after_two_weeks(client, cohort, lena, trainer):
    """Accepted work is never "due"; its unread feedback shows for two weeks at most."""
    task = assignment_for(cohort, title="Done long ago")
    review = decided(attempt(task, cohort, lena), by=trainer, decision=Review.Decision.ACCEPTED)
    client.force_login(lena)
    panel = panels_of(client.get(DASHBOARD))["whats-due"]
    assert panel.context["items"] == []
    assert panel.context["feedback"]
    Review.objects.filter(pk=review.pk).update(decided_at=timezone.now() - timedelta(days=15))
    assert panels_of(client.get(DASHBOARD))["whats-due"].context["feedback"] == []


# --- The cohort page's "Practice" section -------------------------------------------------


def test_members_see_the_practice_section_on_the_cohort_page(client, cohort, lena):
    task = assignment_for(cohort, title="Listen first")
    other = running_cohort(name="Elsewhere")
    other.enrollments.create(user=lena, status=Enrollment.Status.ENROLLED,
                             enrolled_at=timezone.now())  # fmt: skip
    assignment_for(other, title="Belongs elsewhere")
    client.force_login(lena)
    response = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    html = response.content.decode()
    assert 'data-section="practice"' in html
    assert f'href="{work_url(cohort, task)}"' in html
    assert "Belongs elsewhere" not in html


def test_the_section_has_an_empty_state(client, cohort, lena):
    client.force_login(lena)
    response = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert b"No practice is open yet" in response.content


@pytest.mark.parametrize("who", ["trainer", "site_admin", "visitor", "waitlisted"])
def test_the_section_is_only_for_people_holding_a_place(client, request, cohort, who):
    assignment_for(cohort)
    if who == "visitor":
        person = request.getfixturevalue("learner")
    elif who == "waitlisted":
        person = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.WAITLISTED).user
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)
    response = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert response.status_code == HTTPStatus.OK
    assert b'data-section="practice"' not in response.content


# --- Query counts -------------------------------------------------------------------------


def _grow(lena, trainer, *, cohorts: int, per_cohort: int) -> list:
    """Add ``cohorts`` running cohorts with ``per_cohort`` open assignments each for Lena,
    with an attempt in every state among them."""
    made = []
    for number in range(cohorts):
        cohort = running_cohort(trainers=[trainer], name=f"Grown {number}")
        cohort.enrollments.create(user=lena, status=Enrollment.Status.ENROLLED,
                                  enrolled_at=timezone.now())  # fmt: skip
        for index in range(per_cohort):
            task = assignment_for(cohort, title=f"Grown {number}.{index}", criteria=1)
            if index % 3 == 1:
                attempt(task, cohort, lena)
            elif index % 3 == 2:
                decided(attempt(task, cohort, lena), by=trainer, feedback="Again.")
        made.append(cohort)
    return made


def _count(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_the_panel_costs_the_same_for_2_and_20_assignments(lena, trainer, cohort):
    """The panel reads a fixed number of queries whatever the number of cohorts,
    assignments, attempts and reviews."""
    request = RequestFactory().get(DASHBOARD)
    request.user = lena
    for index in range(2):
        assignment_for(cohort, title=f"Small {index}")
    whats_due_panel(request)  # the course's assignments and windows come from the cache
    small = _count(lambda: whats_due_panel(request))
    _grow(lena, trainer, cohorts=3, per_cohort=6)
    panel = whats_due_panel(request)
    assert panel.context["total"] == 20
    large = _count(lambda: whats_due_panel(request))
    assert small == large <= 6  # cohorts, sessions, lessons, attempts (the rest cached)


def test_the_panel_costs_one_query_for_someone_in_no_cohort(learner):
    """Deciding to hide the panel costs one query (the person's cohorts)."""
    request = RequestFactory().get(DASHBOARD)
    request.user = learner
    assert whats_due_panel(request) is None
    assert _count(lambda: whats_due_panel(request)) == 1


def test_the_pages_stay_bounded_for_2_and_20_assignments(
    client, lena, trainer, cohort, django_assert_max_num_queries
):
    """The dashboard, "Your practice" and the cohort page run the same number of queries
    with 2 assignments as with 20 (in four cohorts, with attempts and reviews)."""
    for index in range(2):
        assignment_for(cohort, title=f"Small {index}")
    client.force_login(lena)
    urls = [DASHBOARD, MINE, reverse("cohorts:detail", args=[cohort.pk])]
    for url in urls:
        client.get(url)  # warm the caches (site, settings, session)
    small = [_count(lambda url=url: client.get(url)) for url in urls]
    grown = _grow(lena, trainer, cohorts=3, per_cohort=6)
    for index in range(3):
        task = assignment_for(grown[0], title=f"Grown more {index}")
        attempt(task, grown[0], lena)
    urls[2] = reverse("cohorts:detail", args=[grown[0].pk])
    for url in urls:
        client.get(url)  # the new cohorts and assignments changed the content stamp
    # Most are the layout's and the other apps' panels; what matters is that they stay put.
    for url, before in zip(urls, small, strict=True):
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == HTTPStatus.OK
    assert len(client.get(MINE).context["items"]) == 2 + 20 + 1  # the grown cohort's 9


def test_the_cohort_section_reads_a_fixed_number_of_queries(lena, trainer, cohort):
    """One query while the course has no practice; four with 20 assignments and attempts
    (the assignments and their windows come from the cache)."""
    request = RequestFactory().get("/")
    request.user = lena
    access = cohort_access_for(cohort=cohort, user=lena)
    assert _count(lambda: cohort_practice_section(request=request, cohort=cohort,
                                                  access=access)) == 1  # fmt: skip
    _grow(lena, trainer, cohorts=1, per_cohort=1)
    for index in range(20):
        attempt(assignment_for(cohort, title=f"Many {index}"), cohort, lena)
    cohort_practice_section(request=request, cohort=cohort, access=access)  # warm the cache
    assert _count(lambda: cohort_practice_section(request=request, cohort=cohort,
                                                  access=access)) == 4  # fmt: skip
