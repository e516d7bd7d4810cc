"""The dashboard's cohort panels: "My cohorts" and a manager's "Your team's learning"."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from core.personcache import person_changed
from courses.models import LessonCompletion
from people.models import User
from tests.factories import (
    BusinessUnitFactory,
    CohortFactory,
    LessonPageFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VIDEO = "https://meet.example/panel-room"


def _panel(response, key):
    return next((panel for panel in response.context["panels"] if panel.key == key), None)


def _running_cohort(*, name="Running cohort", lessons=2, **fields):
    """A cohort whose first session started yesterday (its lessons released) and whose
    second, online, is next week with one more lesson."""
    cohort = CohortFactory(name=name, **fields)
    past = [LessonPageFactory(parent=cohort.course, revision=False) for _ in range(lessons)]
    future = LessonPageFactory(parent=cohort.course, revision=False)
    now = timezone.now()
    first = SessionFactory(cohort=cohort, number=1, starts_at=now - timedelta(days=1))
    first.lessons.add(*past)
    second = SessionFactory(
        cohort=cohort,
        number=2,
        starts_at=now + timedelta(days=7),
        place="",
        video_url=VIDEO,
    )
    second.lessons.add(future)
    Cohort.objects.filter(pk=cohort.pk).update(starts_at=first.starts_at, ends_at=second.ends_at)
    cohort.refresh_from_db()
    return cohort, past


def test_anonymous_has_no_dashboard(client):
    """The dashboard, and so its panels, is for signed-in people only."""
    response = client.get(reverse("dashboard"))
    assert response.status_code == HTTPStatus.FOUND


def test_empty_state(client, learner):
    """Someone in no cohort sees the empty state and no open cohorts."""
    client.force_login(learner)
    response = client.get(reverse("dashboard"))
    panel = _panel(response, "my-cohorts")
    assert panel is not None
    assert panel.order == 15
    content = response.content.decode()
    assert "You are not in a cohort yet." in content
    assert "No open cohort is taking people right now." in content


def test_my_cohorts_shows_status_next_session_and_progress(client, learner):
    """Each cohort shows its status, next session in the person's zone, video link for the
    enrolled, and lessons done of the whole course (as the course page counts them), with
    how many the schedule has released."""
    learner.time_zone = "America/New_York"
    learner.save()
    cohort, past = _running_cohort()
    Enrollment.objects.create(cohort=cohort, user=learner, status="enrolled")
    LessonCompletion.objects.create(user=learner, lesson=past[0])
    client.force_login(learner)

    response = client.get(reverse("dashboard"))

    content = response.content.decode()
    card = _panel(response, "my-cohorts").context["cards"][0]
    assert card.progress.lesson_count == 3
    assert card.progress.done_count == 1
    assert card.released_count == 2
    assert "1 of 3 lessons done" in content
    assert "2 released so far" in content
    assert "Running cohort" in content
    assert reverse("cohorts:detail", args=[cohort.pk]) in content
    assert "Enrolled" in content
    assert VIDEO in content
    assert "America/New_York" in content
    starts = card.schedule.next_session.starts_at.astimezone(
        __import__("zoneinfo").ZoneInfo("America/New_York")
    )
    assert starts.strftime("%H:%M") in content


@pytest.mark.parametrize("status", ["invited", "waitlisted"])
def test_no_video_link_without_a_place(client, learner, status):
    """Invited and waiting people see their cohort but not its video link."""
    cohort, _ = _running_cohort()
    Enrollment.objects.create(
        cohort=cohort,
        user=learner,
        status=status,
        waitlisted_at=timezone.now() if status == "waitlisted" else None,
    )
    client.force_login(learner)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Running cohort" in content
    assert VIDEO not in content


def test_withdrawn_and_draft_cohorts_are_left_out(client, learner):
    """Cohorts one withdrew from, and drafts, are not listed as one's own."""
    withdrawn = CohortFactory(name="Left behind", enrollment_mode="invitation")
    Enrollment.objects.create(cohort=withdrawn, user=learner, status="withdrawn")
    draft = CohortFactory(name="Not yet", is_published=False)
    Enrollment.objects.create(cohort=draft, user=learner, status="enrolled")
    client.force_login(learner)
    response = client.get(reverse("dashboard"))
    assert _panel(response, "my-cohorts").context["cards"] == []
    assert "Left behind" not in response.content.decode()
    assert "Not yet" not in response.content.decode()


def test_open_cohorts_you_can_join(client, learner):
    """Open, published, current cohorts for the person's unit that they are not in."""
    sales = BusinessUnitFactory(name="Sales")
    learner.unit = BusinessUnitFactory(name="Sales north", parent=sales)
    learner.save()
    joinable = CohortFactory(name="For everyone")
    for_sales = CohortFactory(name="For sales", allowed_units=[sales])
    CohortFactory(name="For support", allowed_units=[BusinessUnitFactory(name="Support")])
    CohortFactory(name="By invitation", enrollment_mode="invitation")
    CohortFactory(name="A draft", is_published=False)
    CohortFactory(name="Called off", cancelled_at=timezone.now())
    finished = CohortFactory(name="All over")
    Cohort.objects.filter(pk=finished.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2)
    )
    mine = CohortFactory(name="Already mine")
    Enrollment.objects.create(cohort=mine, user=learner, status="enrolled")
    client.force_login(learner)

    response = client.get(reverse("dashboard"))

    open_cohorts = _panel(response, "my-cohorts").context["open_cohorts"]
    assert {cohort.pk for cohort in open_cohorts} == {joinable.pk, for_sales.pk}
    assert "Open cohorts you can join" in response.content.decode()


def test_my_cohorts_queries_are_bounded(client, learner, django_assert_max_num_queries):
    """30 cohorts of 40 members each cost the dashboard no more queries than one."""
    others = [UserFactory() for _ in range(39)]
    lesson = None

    def cohorts(numbers):
        nonlocal lesson
        for number in numbers:
            cohort, past = _running_cohort(name=f"Cohort {number}", lessons=1)
            lesson = past[0]
            Enrollment.objects.bulk_create(
                [Enrollment(cohort=cohort, user=learner, status="enrolled")]
                + [Enrollment(cohort=cohort, user=person, status="enrolled") for person in others]
            )
            CohortFactory(name=f"Open {number}")

    cohorts(range(1))
    LessonCompletion.objects.create(user=learner, lesson=lesson)
    client.force_login(learner)
    client.get(reverse("dashboard"))  # warm per-process caches (site, settings)
    # Every app's panel adds a fixed few; the bound is what one cohort costs, made afresh
    # (a change about the learner: their kept dashboard is of no use).
    person_changed(learner.pk)
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("dashboard"))
    one_count = len(one.captured_queries)  # (the next request resets the query log)
    cohorts(range(1, 30))
    client.get(reverse("dashboard"))  # new cohorts: schedules read again, then cached
    person_changed(learner.pk)
    with django_assert_max_num_queries(one_count):
        response = client.get(reverse("dashboard"))
    panel = _panel(response, "my-cohorts")
    assert len(panel.context["cards"]) == 30
    assert len(panel.context["open_cohorts"]) == 30


def test_team_panel_is_for_managers_only(client, learner):
    """People who are not managers do not get the team panel."""
    client.force_login(learner)
    assert _panel(client.get(reverse("dashboard")), "team-learning") is None


def test_team_panel_lists_reports_enrollments(client, manager):
    """Managers see their direct reports' cohorts, status and lessons done / released."""
    report = UserFactory(first_name="Rita", last_name="Report", manager=manager)
    stranger = UserFactory(first_name="Stan", last_name="Stranger")
    cohort, past = _running_cohort(name="Team cohort")
    Enrollment.objects.create(cohort=cohort, user=report, status="enrolled")
    Enrollment.objects.create(cohort=cohort, user=stranger, status="enrolled")
    gone = CohortFactory(name="Gone cohort", enrollment_mode="invitation")
    Enrollment.objects.create(cohort=gone, user=report, status="withdrawn")
    LessonCompletion.objects.create(user=report, lesson=past[1])
    client.force_login(manager)

    response = client.get(reverse("dashboard"))

    panel = _panel(response, "team-learning")
    assert panel.wide
    content = response.content.decode()
    assert "Rita Report" in content
    assert "Stan Stranger" not in content
    assert "Gone cohort" not in content
    assert "Team cohort" in content
    assert "1 / 2" in content
    [row] = panel.context["rows"]
    assert row.enrollment.user == report


def test_team_panel_empty_state(client, manager):
    """A manager whose reports are in no cohort is told so."""
    UserFactory(manager=manager)
    client.force_login(manager)
    response = client.get(reverse("dashboard"))
    assert "Nobody who reports to you is in a cohort yet." in response.content.decode()


def test_team_panel_queries_are_bounded(client, manager, django_assert_max_num_queries):
    """20 reports in 10 cohorts cost the dashboard no more queries than one cohort."""
    reports = [UserFactory(manager=manager, role=User.Role.EMPLOYEE) for _ in range(20)]

    def cohorts(numbers):
        for number in numbers:
            cohort, past = _running_cohort(name=f"Team {number}", lessons=2)
            Enrollment.objects.bulk_create(
                [Enrollment(cohort=cohort, user=person, status="enrolled") for person in reports]
            )
            LessonCompletion.objects.create(user=reports[number], lesson=past[0])

    cohorts(range(1))
    client.force_login(manager)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("dashboard"))
    cohorts(range(1, 10))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("dashboard"))
    rows = _panel(response, "team-learning").context["rows"]
    assert len(rows) == 200
    assert sum(row.progress.done_count for row in rows) == 10
