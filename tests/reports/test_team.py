"""A manager's team page and the person page behind each name, on the hand-counted
company: Max manages Ann, who manages Ari; so Max's team is Ann and Ari, Ann's is Ari.

The cohort has three sessions: the first ten days ago (with the one lesson released so
far), the second three days ago, the third in five days. "Reply" follows session 1 and was
due when session 2 started (late for anyone who has not handed it in); "Listen" follows
session 2 and is due at session 3 (still to do).
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.models import RosterMembership, Tier
from assessments.models import Submission
from courses.models import LessonCompletion
from people.models import User
from tests.factories import UserFactory
from tests.factories.assessments import AssignmentFactory, SubmissionFactory
from tests.factories.cohorts import CohortFactory, EnrollmentFactory, SessionFactory
from tests.factories.courses import course_with_lessons

from .company import give

TEAM = reverse("reports:team")
SECRET = "My private thoughts about the complaint thread"


def person_url(person) -> str:
    return reverse("reports:person", args=[person.pk])


@pytest.fixture
def learning(company):
    now = timezone.now()
    course, lessons = course_with_lessons(lessons=2)
    cohort = CohortFactory(course=course, name="Spring cohort")
    first = SessionFactory(cohort=cohort, number=1, starts_at=now - timedelta(days=10))
    first.lessons.set([lessons[0]])
    SessionFactory(cohort=cohort, number=2, starts_at=now - timedelta(days=3))
    SessionFactory(cohort=cohort, number=3, title="Wrap-up", starts_at=now + timedelta(days=5))
    AssignmentFactory(course=course, title="Reply", after_session=1)
    listen = AssignmentFactory(course=course, title="Listen", after_session=2)
    people = company.people
    for name in ("ann", "ari"):
        EnrollmentFactory(cohort=cohort, user=people[name])
    LessonCompletion.objects.create(user=people["ann"], lesson=lessons[0])
    SubmissionFactory(
        assignment=listen,
        cohort=cohort,
        user=people["ari"],
        status=Submission.Status.SUBMITTED,
        submitted_at=now - timedelta(hours=2),
        reflection=SECRET,
    )
    RosterMembership.objects.create(
        user=people["ann"], tier=Tier.ADVOCATE, status="active", status_changed_at=now
    )
    return company


def lines(response):
    return {line.person.first_name: line for line in response.context["lines"]}


def test_a_manager_sees_everyone_below_them_with_their_progress(client, learning):
    """Direct and indirect reports, each with cohorts, practice, levels, tier, activity."""
    client.force_login(learning.max)
    response = client.get(TEAM)
    assert response.status_code == HTTPStatus.OK
    found = lines(response)
    assert sorted(found) == ["Ann", "Ari"]
    ann, ari = found["Ann"], found["Ari"]
    assert [
        (c.cohort.name, c.progress.done_count, c.progress.lesson_count) for c in ann.cohorts
    ] == [("Spring cohort", 1, 1)]
    assert (ann.late, ann.to_do, ann.waiting) == (1, 1, 0)
    assert (ari.late, ari.to_do, ari.waiting) == (1, 0, 1)
    assert [(c.name, level.label) for c, level in ann.levels] == [("Listening", "Practising")]
    assert [(c.name, level.label) for c, level in ari.levels] == [("Listening", "Proficient")]
    assert ann.tier.tier == Tier.ADVOCATE
    assert ari.tier is None
    assert ari.last_activity is not None
    html = response.content.decode()
    assert f'href="{person_url(learning.people["ari"])}"' in html
    assert "through Ann" in html  # Ari reports to Max through Ann
    assert "Bea" not in html


def test_the_person_page_shows_states_never_what_they_wrote(client, learning):
    """Courses, attempts' states, competency history and upcoming sessions; no reflection."""
    client.force_login(learning.max)
    response = client.get(person_url(learning.people["ari"]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Spring cohort" in html
    assert "Waiting for review" in html
    assert "Proficient" in html  # competency history
    assert "Wrap-up" in html  # the upcoming session
    assert SECRET not in html
    page = response.context["page"]
    assert [attempt.status for attempt in page.attempts] == ["submitted"]
    assert [session.title for session in page.upcoming] == ["Wrap-up"]


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("max", HTTPStatus.OK),
        ("ann", HTTPStatus.OK),
        ("hr", HTTPStatus.OK),
        ("other_manager", HTTPStatus.NOT_FOUND),
        ("bea", HTTPStatus.NOT_FOUND),
        ("ari", HTTPStatus.NOT_FOUND),
        ("trainer", HTTPStatus.NOT_FOUND),
        ("lead", HTTPStatus.NOT_FOUND),
    ],
)
def test_who_may_open_a_person_page(client, request, learning, hr_person, viewer, status):
    """Their managers (direct or above) and HR; nobody else, not even the person's peers."""
    people = {
        "max": learning.max,
        "ann": learning.people["ann"],
        "bea": learning.people["bea"],
        "ari": learning.people["ari"],
        "hr": hr_person,
        "other_manager": UserFactory(role=User.Role.MANAGER),
    }
    viewer_user = people.get(viewer) or request.getfixturevalue(viewer)
    client.force_login(viewer_user)
    target = learning.people["ann"] if viewer == "ari" else learning.people["ari"]
    assert client.get(person_url(target)).status_code == status


def test_a_manager_cannot_open_their_own_manager(client, learning):
    """Ann manages Ari, not Max: Max's page is a 404 for her."""
    client.force_login(learning.people["ann"])
    assert client.get(person_url(learning.max)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("reports:person", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, learning):
    """Nothing about a team is shown without logging in."""
    for url in (TEAM, person_url(learning.people["ari"])):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "login" in response["Location"]


def test_the_team_page_is_for_managers(client, learner, hr_person):
    """A learner or HR (not a manager) has no team page."""
    for person in (learner, hr_person):
        client.force_login(person)
        assert client.get(TEAM).status_code == HTTPStatus.NOT_FOUND


def test_a_manager_with_nobody_sees_the_empty_state(client, manager):
    """An empty team explains itself."""
    client.force_login(manager)
    response = client.get(TEAM)
    assert response.status_code == HTTPStatus.OK
    assert "Nobody reports to you" in response.content.decode()


def test_the_dashboard_leads_a_manager_to_the_team_page(client, learning):
    """The manager's dashboard has a panel with the way in."""
    client.force_login(learning.max)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your team&#x27;s progress" in html or "Your team's progress" in html
    assert f'href="{TEAM}"' in html


def test_large_teams_are_paged_and_queries_do_not_grow(
    client, learning, django_assert_max_num_queries
):
    """A page of 25 with the same number of queries as a page of two."""
    client.force_login(learning.max)
    client.get(TEAM)
    with django_assert_max_num_queries(40) as small:
        client.get(TEAM)
    cohort = learning.people["ann"].enrollments.get().cohort
    for index in range(30):
        person = UserFactory(first_name=f"Zed{index:02}", manager=learning.people["ann"])
        EnrollmentFactory(cohort=cohort, user=person)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(TEAM)
    assert len(response.context["lines"]) == 25
    assert response.context["page"].paginator.count == 32
    second = client.get(TEAM, {"p": 2})
    assert len(second.context["lines"]) == 7
    assert client.get(TEAM, {"p": "x<script>"}).status_code == HTTPStatus.OK


def test_a_person_page_runs_a_fixed_number_of_queries(
    client, learning, django_assert_max_num_queries
):
    """More attempts and evidence do not mean more queries."""
    client.force_login(learning.max)
    ari = learning.people["ari"]
    client.get(person_url(ari))
    with django_assert_max_num_queries(40) as small:
        client.get(person_url(ari))
    submission = Submission.objects.get(user=ari)
    for number in range(6):
        extra = AssignmentFactory(course=submission.cohort.course, title=f"Extra {number}")
        SubmissionFactory(assignment=extra, cohort=submission.cohort, user=ari)
        give(ari, learning.crisis, 1 + number % 3, by=learning.people["hugo"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(person_url(ari))
