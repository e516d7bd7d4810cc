"""A cohort's practice grid (who did what) and its own assignment dates, in the Wagtail
admin: who may open them, what each cell says, saving and refusing dates, the links from
the cohort's page, and query counts."""

import re
import zoneinfo
from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssignmentWindow, Review, Submission
from cohorts.models import Enrollment
from people.models import User
from tests.factories import EnrollmentFactory, UserFactory, add_role

from .helpers_review import Status, assignment_for, attempt, decided, member, running_cohort

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def mine(trainer):
    return running_cohort(trainers=[trainer])


def grid(cohort):
    return reverse("assessments_admin:grid", args=[cohort.pk])


def dates(cohort):
    return reverse("assessments_admin:dates", args=[cohort.pk])


def html(response) -> str:
    return response.content.decode()


# --- Who may open them --------------------------------------------------------------------


@pytest.mark.parametrize("page", [grid, dates])
def test_a_trainer_of_another_cohort_gets_not_found(client, mine, page):
    other = add_role(UserFactory(), "Trainer")
    client.force_login(other)
    assert client.get(page(mine)).status_code == HTTPStatus.NOT_FOUND
    if page is dates:
        assert client.post(page(mine), {}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("page", [grid, dates])
def test_hr_are_turned_back_and_others_sent_to_log_in(client, mine, hr, learner, lead, page):
    client.force_login(hr)
    assert client.get(page(mine), follow=True).redirect_chain == [("/admin/", HTTPStatus.FOUND)]
    for person in (learner, lead):
        client.force_login(person)
        assert client.get(page(mine)).status_code == HTTPStatus.FOUND
    client.logout()
    assert "login" in client.get(page(mine))["Location"]


@pytest.mark.parametrize("page", [grid, dates])
def test_trainers_and_site_admins_get_in(client, mine, trainer, site_admin, page):
    for person in (trainer, site_admin):
        client.force_login(person)
        assert client.get(page(mine)).status_code == HTTPStatus.OK


def test_an_unknown_cohort_is_not_found(client, trainer, mine):
    client.force_login(trainer)
    response = client.get(reverse("assessments_admin:grid", args=[mine.pk + 999]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_cohort_page_links_to_the_grid_and_the_dates(client, trainer, mine):
    """cohorts asks its hook for links; practice adds two, without cohorts importing it."""
    client.force_login(trainer)
    page = html(client.get(reverse("cohorts_admin:detail", args=[mine.pk])))
    assert f'href="{grid(mine)}">Practice: who did what</a>' in page
    assert f'href="{dates(mine)}">Practice dates</a>' in page


# --- The grid -----------------------------------------------------------------------------


def test_each_cell_says_the_latest_state(client, trainer, mine):
    """Not started, draft, waiting (late), needs revision, accepted; the attempts count, and
    a link to the review screen wherever there is an attempt."""
    task = assignment_for(mine, title="Reply to a complaint")
    people = {
        name: member(mine, first_name=name, last_name="Z" + name)
        for name in ("Ann", "Bo", "Cy", "Di", "Ed")
    }
    attempt(task, mine, people["Bo"], status=Status.DRAFT)
    waiting = attempt(task, mine, people["Cy"], is_late=True)
    decided(attempt(task, mine, people["Di"], ago=timedelta(days=2)), by=trainer)
    second = attempt(task, mine, people["Di"], number=2, status=Status.DRAFT)
    accepted = attempt(task, mine, people["Ed"])
    decided(accepted, by=trainer, decision=Review.Decision.ACCEPTED)
    EnrollmentFactory(
        cohort=mine, user=UserFactory(first_name="Wanda"), status=Enrollment.Status.WAITLISTED
    )
    client.force_login(trainer)
    response = client.get(grid(mine))
    rows = {row.enrollment.user.first_name: row.cells[0] for row in response.context["rows"]}
    assert set(rows) == set(people)  # the waitlisted are not in the grid
    assert {name: cell.label for name, cell in rows.items()} == {
        "Ann": "Not started",
        "Bo": "Draft",
        "Cy": "Waiting for review",
        "Di": "Draft",
        "Ed": "Accepted",
    }
    assert rows["Di"].submission == second
    page = html(response)
    assert reverse("assessments_admin:review", args=[waiting.pk]) in page
    assert reverse("assessments_admin:review", args=[second.pk]) in page
    assert "attempt 2" in page
    assert "late" in page
    assert "1 waiting · 1 accepted" in page


def test_headers_show_the_due_date_in_the_cohorts_zone(client, trainer):
    cohort = running_cohort(trainers=[trainer], zone="America/New_York")
    task = assignment_for(cohort, title="Listen for a week")
    member(cohort)
    due = cohort.sessions.get(number=2).starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    client.force_login(trainer)
    page = html(client.get(grid(cohort)))
    assert f"due {due:%a} {due.day} {due:%b}, {due:%H:%M} (America/New_York)" in page
    assert task.title in page


def test_missed_work_is_marked_overdue_and_closed_work_not_open(client, trainer, mine):
    """Past the due date with nothing handed in: overdue. An assignment the cohort has no
    session for never opens."""
    past = assignment_for(mine, title="Already due")
    opens = timezone.now() - timedelta(days=10)
    AssignmentWindow.objects.create(
        cohort=mine, assignment=past, opens_at=opens, due_at=opens + timedelta(days=3)
    )
    assignment_for(mine, title="Never opens", after_session=9)
    member(mine)
    client.force_login(trainer)
    response = client.get(grid(mine))
    cells = {cell.column.assignment.title: cell for cell in response.context["rows"][0].cells}
    assert cells["Already due"].is_overdue
    assert cells["Never opens"].label == "Not open yet"
    assert not cells["Never opens"].is_overdue
    assert "no dates: it never opens" in html(response)


def test_an_empty_cohort_or_course_says_so(client, trainer, mine):
    client.force_login(trainer)
    assert "has no practice assignments yet" in html(client.get(grid(mine)))
    assignment_for(mine)
    assert "Nobody holds a place" in html(client.get(grid(mine)))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


GRID_BOUND = 22


def _fill(cohort, tasks, people: int, *, batch: str):
    """``people`` members, each with one to three attempts at every task (older ones
    decided), bulk-created."""
    users = User.objects.bulk_create(
        User(email=f"grid{batch}-{n}@spoke.example", first_name="Grid", last_name=str(n))
        for n in range(people)
    )
    Enrollment.objects.bulk_create(
        Enrollment(cohort=cohort, user=user, status=Enrollment.Status.ENROLLED) for user in users
    )
    now = timezone.now()
    submissions = []
    for n, user in enumerate(users):
        for task in tasks:
            count = 1 + (n + task.pk) % 3
            for number in range(1, count + 1):
                last = number == count
                submissions.append(
                    Submission(
                        assignment=task,
                        cohort=cohort,
                        user=user,
                        attempt=number,
                        status=Status.SUBMITTED if last else Status.NEEDS_REVISION,
                        submitted_at=now - timedelta(days=count - number, minutes=n),
                        is_late=bool(n % 4 == 0),
                    )
                )
    Submission.objects.bulk_create(submissions)
    return len(submissions)


def test_the_grid_needs_a_fixed_number_of_queries(
    client, trainer, mine, django_assert_max_num_queries
):
    """2 people by 2 assignments, then 50 by 10 with several attempts each: the same count."""
    tasks = [assignment_for(mine, title=f"Task {n}") for n in range(10)]
    _fill(mine, tasks[:2], 2, batch="small")
    client.force_login(trainer)
    client.get(grid(mine))
    small = _queries(client, grid(mine))
    Submission.objects.all().delete()
    Enrollment.objects.all().delete()
    made = _fill(mine, tasks, 50, batch="large")
    assert made >= 500
    with django_assert_max_num_queries(GRID_BOUND):
        response = client.get(grid(mine))
    assert len(response.context["rows"]) == 50
    assert len(response.context["columns"]) == 10
    assert _queries(client, grid(mine)) == small


# --- The dates ----------------------------------------------------------------------------


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


def prefix(task) -> str:
    return f"assignment-{task.pk}"


def test_the_form_shows_the_schedule_in_the_cohorts_zone(client, trainer, mine):
    task = assignment_for(mine, title="Reply to a complaint")
    opens = mine.sessions.get(number=1).ends_at.astimezone(AMSTERDAM)
    client.force_login(trainer)
    page = html(client.get(dates(mine)))
    assert f'value="{opens:%Y-%m-%dT%H:%M}"' in page
    assert f'name="{prefix(task)}-opens_at"' in page
    assert 'type="datetime-local"' in page
    assert "The schedule: opens" in page
    assert f'name="{prefix(task)}-use_schedule"' not in page  # nothing to go back from


def test_a_trainer_sets_dates_typed_in_the_cohorts_zone(client, trainer, mine):
    task = assignment_for(mine)
    untouched = assignment_for(mine, title="Left alone")
    client.force_login(trainer)
    form = client.get(dates(mine))
    data = {
        f"{prefix(task)}-opens_at": "2026-03-28T09:00",
        f"{prefix(task)}-due_at": "2026-03-30T18:30",  # after the clocks go forward
    }
    untouched_form = dict(form.context["rows"])[untouched]
    for name in ("opens_at", "due_at"):
        data[f"{prefix(untouched)}-{name}"] = (
            untouched_form[name].value().strftime("%Y-%m-%dT%H:%M")
        )
    response = client.post(dates(mine), data)
    assert response.status_code == HTTPStatus.FOUND
    window = AssignmentWindow.objects.get()
    assert window.assignment == task
    assert (window.opens_at, window.due_at) == (
        local("2026-03-28T09:00"),
        local("2026-03-30T18:30"),
    )
    assert window.due_at.utcoffset() is not None
    assert window.due_at.astimezone(AMSTERDAM).utcoffset() == timedelta(hours=2)
    page = html(client.get(dates(mine)))
    assert "This cohort uses its own dates." in page
    assert 'value="2026-03-30T18:30"' in page


def test_due_before_opening_is_refused_and_kept(client, trainer, mine):
    task = assignment_for(mine)
    client.force_login(trainer)
    response = client.post(
        dates(mine),
        {
            f"{prefix(task)}-opens_at": "2026-04-10T09:00",
            f"{prefix(task)}-due_at": "2026-04-09T09:00",
        },
    )
    assert response.status_code == HTTPStatus.OK
    page = html(response)
    assert "The due date must come after the opening date." in page
    assert 'value="2026-04-10T09:00"' in page
    assert 'value="2026-04-09T09:00"' in page
    assert not AssignmentWindow.objects.exists()


@pytest.mark.parametrize(
    ("opens", "due", "message"),
    [
        ("2026-04-10T09:00", "", "Set both dates"),
        ("tomorrow", "2026-04-09T09:00", "Enter a date and time"),
        ("2026-02-30T09:00", "2026-04-09T09:00", "Enter a date and time"),
        ("9" * 5000, "2026-04-09T09:00", "Enter a date and time"),
    ],
)
def test_malformed_dates_are_refused_and_kept(client, trainer, mine, opens, due, message):
    task = assignment_for(mine, after_session=9)  # no schedule: the fields start empty
    client.force_login(trainer)
    response = client.post(
        dates(mine), {f"{prefix(task)}-opens_at": opens, f"{prefix(task)}-due_at": due}
    )
    assert response.status_code == HTTPStatus.OK
    assert message in html(response)
    if due:
        assert f'value="{due}"' in html(response)
    assert not AssignmentWindow.objects.exists()


def test_use_the_schedule_removes_the_cohorts_dates(client, trainer, mine):
    task = assignment_for(mine)
    AssignmentWindow.objects.create(
        cohort=mine,
        assignment=task,
        opens_at=local("2026-04-01T09:00"),
        due_at=local("2026-04-08T09:00"),
    )
    client.force_login(trainer)
    assert f'name="{prefix(task)}-use_schedule"' in html(client.get(dates(mine)))
    response = client.post(
        dates(mine),
        {
            f"{prefix(task)}-opens_at": "2026-04-01T09:00",
            f"{prefix(task)}-due_at": "2026-04-08T09:00",
            f"{prefix(task)}-use_schedule": "on",
        },
        follow=True,
    )
    assert "Dates saved for 1 assignment." in html(response)
    assert not AssignmentWindow.objects.exists()


def test_an_unchanged_form_changes_nothing(client, trainer, mine):
    """Schedule dates shown in the form are not copied into the cohort's own dates."""
    task = assignment_for(mine)
    client.force_login(trainer)
    form = dict(client.get(dates(mine)).context["rows"])[task]
    data = {
        f"{prefix(task)}-{name}": form[name].value().strftime("%Y-%m-%dT%H:%M")
        for name in ("opens_at", "due_at")
    }
    response = client.post(dates(mine), data, follow=True)
    assert "Nothing changed." in html(response)
    assert not AssignmentWindow.objects.exists()


def test_dates_for_another_courses_assignment_are_ignored(client, trainer, mine):
    """Only this course's assignments are on the form; other ids sent are not read."""
    theirs = assignment_for(running_cohort(name="Other"))
    client.force_login(trainer)
    client.post(
        dates(mine),
        {
            f"{prefix(theirs)}-opens_at": "2026-04-01T09:00",
            f"{prefix(theirs)}-due_at": "2026-04-08T09:00",
        },
    )
    assert not AssignmentWindow.objects.exists()


def test_a_cancelled_cohorts_dates_do_not_change(client, trainer, mine):
    task = assignment_for(mine)
    mine.cancelled_at = timezone.now()
    mine.save()
    client.force_login(trainer)
    assert "This cohort is cancelled" in html(client.get(dates(mine)))
    response = client.post(
        dates(mine),
        {
            f"{prefix(task)}-opens_at": "2026-04-01T09:00",
            f"{prefix(task)}-due_at": "2026-04-08T09:00",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert not AssignmentWindow.objects.exists()


def test_the_grid_follows_the_new_dates(client, trainer, mine):
    task = assignment_for(mine, title="Moved")
    member(mine)
    client.force_login(trainer)
    client.post(
        dates(mine),
        {
            f"{prefix(task)}-opens_at": "2026-05-04T09:00",
            f"{prefix(task)}-due_at": "2026-05-11T17:00",
        },
    )
    page = html(client.get(grid(mine)))
    assert re.search(r"due Mon 11 May, 17:00\s+\(Europe/Amsterdam\)", page)
