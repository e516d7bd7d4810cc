"""The trainers' cohort form in the admin: a cohort and its sessions, typed in the cohort's
time zone, saved all or nothing, with every refusal shown on the form and nothing lost."""

import datetime
import zoneinfo
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, Session
from tests.factories import (
    CohortFactory,
    CoursePageFactory,
    EnrollmentFactory,
    LessonPageFactory,
    SessionFactory,
    UserFactory,
    add_role,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
CREATE = reverse("cohorts_admin:create")


def local(moment: datetime.datetime) -> str:
    """How a datetime-local input sends ``moment`` in Amsterdam."""
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")


def next_monday_at(hour: int) -> datetime.datetime:
    today = timezone.now().astimezone(AMSTERDAM).date()
    monday = today + timedelta(days=7 - today.weekday() + 7)
    return datetime.datetime.combine(monday, datetime.time(hour), tzinfo=AMSTERDAM)


def session_rows(rows, initial=0):
    data = {
        "sessions-TOTAL_FORMS": str(len(rows)),
        "sessions-INITIAL_FORMS": str(initial),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"sessions-{index}-{name}"] = value
    return data


def cohort_fields(course, trainers, **overrides):
    fields = {
        "name": "Listening · autumn",
        "course": course.pk,
        "time_zone": "Europe/Amsterdam",
        "capacity": "8",
        "enrollment_mode": "open",
        "trainers": [trainer.pk for trainer in trainers],
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


@pytest.fixture
def course():
    course = CoursePageFactory(title="Listening online")
    lessons = [LessonPageFactory(parent=course, title=f"Lesson {n}") for n in (1, 2)]
    return course, lessons


def test_trainer_creates_a_cohort_with_sessions_in_its_time_zone(client, trainer, course):
    """Times typed for Amsterdam are stored in UTC; the trainer runs the new cohort."""
    course_page, lessons = course
    first = next_monday_at(9)
    client.force_login(trainer)
    response = client.post(
        CREATE,
        {
            **cohort_fields(course_page, [trainer], is_published="on"),
            **session_rows(
                [
                    {
                        "title": "Why listen",
                        "starts_at": local(first),
                        "ends_at": local(first + timedelta(hours=1)),
                        "place": "Room 4",
                        "lessons": [str(lessons[0].pk)],
                    },
                    {
                        "title": "Answering",
                        "starts_at": local(first + timedelta(days=7)),
                        "ends_at": local(first + timedelta(days=7, hours=1)),
                        "video_url": "https://meet.example.com/abc",
                    },
                    {"title": "", "starts_at": "", "ends_at": ""},  # an empty row is skipped
                ]
            ),
        },
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts_admin:detail", args=[cohort.pk])
    assert list(cohort.trainers.all()) == [trainer]
    assert cohort.is_published
    assert cohort.capacity == 8
    sessions = list(cohort.sessions.order_by("number"))
    assert [(s.number, s.title) for s in sessions] == [(1, "Why listen"), (2, "Answering")]
    assert sessions[0].starts_at == first
    assert (
        sessions[0].starts_at.astimezone(datetime.UTC).hour == first.astimezone(datetime.UTC).hour
    )
    assert list(sessions[0].lessons.all()) == [lessons[0]]
    assert cohort.starts_at == first


def test_new_cohort_form_offers_the_trainer_and_three_empty_sessions(client, trainer, course):
    client.force_login(trainer)
    response = client.get(CREATE)
    assert response.status_code == 200
    assert response.context["form"].initial["trainers"] == [trainer.pk]
    assert len(response.context["schedule"].forms) == 3


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"starts_at": "banana"}, "starts_at", "Enter a date and time"),
        ({"ends_at": "early"}, "ends_at", "Enter a date and time"),
        ({"title": ""}, "title", "This field is required"),
        ({"video_url": "javascript:alert(1)"}, "video_url", "Enter a valid URL"),
    ],
)
def test_bad_session_input_keeps_everything_typed(client, trainer, course, row, field, message):
    """A refused row shows its error beside the field, and every other value stays."""
    course_page, _ = course
    first = next_monday_at(10)
    good = {
        "title": "Kick-off",
        "starts_at": local(first),
        "ends_at": local(first + timedelta(hours=1)),
        "place": "Atrium",
    }
    client.force_login(trainer)
    response = client.post(
        CREATE,
        {
            **cohort_fields(course_page, [trainer], name="Keep me"),
            **session_rows([{**good, **row}]),
        },
    )
    assert response.status_code == 200
    assert not Cohort.objects.exists()
    row_form = response.context["schedule"].forms[0]
    assert message in " ".join(row_form.errors[field])
    html = response.content.decode()
    assert 'value="Keep me"' in html
    assert 'value="Atrium"' in html


def test_session_ending_before_it_starts_is_refused(client, trainer, course):
    course_page, _ = course
    first = next_monday_at(10)
    client.force_login(trainer)
    response = client.post(
        CREATE,
        {
            **cohort_fields(course_page, [trainer]),
            **session_rows(
                [{"title": "Backwards", "starts_at": local(first), "ends_at": local(first)}]
            ),
        },
    )
    assert response.context["schedule"].forms[0].errors["ends_at"] == [
        "A session must end after it starts."
    ]
    assert not Cohort.objects.exists()


def test_overlapping_rows_are_refused(client, trainer, course):
    course_page, _ = course
    first = next_monday_at(10)
    client.force_login(trainer)
    rows = [
        {"title": "One", "starts_at": local(first), "ends_at": local(first + timedelta(hours=2))},
        {
            "title": "Two",
            "starts_at": local(first + timedelta(hours=1)),
            "ends_at": local(first + timedelta(hours=3)),
        },
    ]
    response = client.post(CREATE, {**cohort_fields(course_page, [trainer]), **session_rows(rows)})
    assert "overlaps “One”" in response.context["schedule"].forms[1].errors["starts_at"][0]
    assert not Cohort.objects.exists()


def test_a_published_cohort_gets_no_session_in_the_past(client, trainer, course):
    """The service's refusal comes back on the row, and nothing is saved."""
    course_page, _ = course
    past = timezone.now() - timedelta(days=2)
    client.force_login(trainer)
    response = client.post(
        CREATE,
        {
            **cohort_fields(course_page, [trainer], is_published="on"),
            **session_rows(
                [
                    {
                        "title": "Yesterday",
                        "starts_at": local(past),
                        "ends_at": local(past + timedelta(hours=1)),
                    }
                ]
            ),
        },
    )
    assert response.status_code == 200
    assert "This time has passed" in response.context["schedule"].forms[0].errors["starts_at"][0]
    assert not Cohort.objects.exists()


def test_a_trainer_stays_among_the_trainers(client, trainer, course):
    other = add_role(UserFactory(), "Trainer")
    course_page, _ = course
    client.force_login(trainer)
    response = client.post(CREATE, {**cohort_fields(course_page, [other]), **session_rows([])})
    assert "Keep yourself among the trainers" in response.context["form"].errors["trainers"][0]
    assert not Cohort.objects.exists()


def test_a_lesson_of_another_course_is_refused(client, trainer, course):
    course_page, _ = course
    elsewhere = LessonPageFactory(parent=CoursePageFactory(title="Posting"), title="Other")
    first = next_monday_at(10)
    client.force_login(trainer)
    response = client.post(
        CREATE,
        {
            **cohort_fields(course_page, [trainer]),
            **session_rows(
                [
                    {
                        "title": "Mixed",
                        "starts_at": local(first),
                        "ends_at": local(first + timedelta(hours=1)),
                        "lessons": [str(elsewhere.pk)],
                    }
                ]
            ),
        },
    )
    assert "Other is not a lesson of Listening online" in " ".join(
        response.context["schedule"].forms[0].errors["lessons"]
    )
    assert not Cohort.objects.exists()


@pytest.fixture
def running(trainer, course):
    """A published cohort run by ``trainer`` with two future sessions and three people."""
    course_page, _ = course
    cohort = CohortFactory(course=course_page, trainers=[trainer], capacity=5)
    first = next_monday_at(9)
    for number, start in enumerate((first, first + timedelta(days=7)), 1):
        SessionFactory(
            cohort=cohort,
            number=number,
            title=f"Part {number}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    cohort.starts_at, cohort.ends_at = first, first + timedelta(days=7, hours=1)
    cohort.save()
    for _ in range(3):
        EnrollmentFactory(cohort=cohort)
    return cohort


def edit_data(cohort, trainer, **session_changes):
    sessions = list(cohort.sessions.order_by("number"))
    rows = []
    for session in sessions:
        row = {
            "id": str(session.pk),
            "title": session.title,
            "starts_at": local(session.starts_at),
            "ends_at": local(session.ends_at),
            "place": session.place,
        }
        row.update(session_changes.get(session.title, {}))
        rows.append(row)
    rows.append({"title": "", "starts_at": "", "ends_at": ""})
    return {
        **cohort_fields(cohort.course, [trainer], name=cohort.name, is_published="on"),
        **session_rows(rows, initial=len(sessions)),
    }


def test_saving_unchanged_tells_nobody_and_moves_nothing(client, trainer, running, committed):
    client.force_login(trainer)
    url = reverse("cohorts_admin:edit", args=[running.pk])
    with committed():
        response = client.post(url, edit_data(running, trainer))
    assert response.status_code == 302
    assert mail.outbox == []
    assert set(Session.objects.values_list("sequence", flat=True)) == {0}


def test_moving_a_session_tells_the_enrolled_people(client, trainer, running, committed):
    client.force_login(trainer)
    second = running.sessions.get(number=2)
    later = second.starts_at + timedelta(hours=2)
    data = edit_data(
        running,
        trainer,
        **{"Part 2": {"starts_at": local(later), "ends_at": local(later + timedelta(hours=1))}},
    )
    with committed():
        response = client.post(reverse("cohorts_admin:edit", args=[running.pk]), data)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.starts_at == later
    assert second.sequence == 1
    assert len(mail.outbox) == 3


def test_removing_a_session_renumbers_the_rest(client, trainer, running):
    client.force_login(trainer)
    data = edit_data(running, trainer, **{"Part 1": {"DELETE": "on"}})
    response = client.post(reverse("cohorts_admin:edit", args=[running.pk]), data)
    assert response.status_code == 302
    assert list(running.sessions.values_list("number", "title")) == [(1, "Part 2")]


def test_capacity_below_the_people_enrolled_is_refused(client, trainer, running):
    client.force_login(trainer)
    data = {**edit_data(running, trainer), "capacity": "2", "name": "Renamed"}
    response = client.post(reverse("cohorts_admin:edit", args=[running.pk]), data)
    assert response.status_code == 200
    assert "3 people already hold a place" in response.context["form"].errors["capacity"][0]
    assert 'value="Renamed"' in response.content.decode()
    running.refresh_from_db()
    assert running.capacity == 5
    assert running.name != "Renamed"


def test_raising_capacity_gives_places_to_those_waiting(client, trainer, running):
    waiting = EnrollmentFactory(cohort=running, status=Enrollment.Status.WAITLISTED)
    for _ in range(2):
        EnrollmentFactory(cohort=running)
    client.force_login(trainer)
    response = client.post(
        reverse("cohorts_admin:edit", args=[running.pk]),
        {**edit_data(running, trainer), "capacity": "6"},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Enrollment.Status.ENROLLED


def test_unpublishing_a_cohort_with_people_is_refused(client, trainer, running):
    client.force_login(trainer)
    data = edit_data(running, trainer)
    del data["is_published"]
    response = client.post(reverse("cohorts_admin:edit", args=[running.pk]), data)
    assert "cancel it instead" in response.context["form"].errors["is_published"][0]
    running.refresh_from_db()
    assert running.is_published


def test_a_tampered_session_id_is_refused(client, trainer, running):
    other = SessionFactory()
    data = edit_data(running, trainer)
    data["sessions-0-id"] = str(other.pk)
    client.force_login(trainer)
    response = client.post(reverse("cohorts_admin:edit", args=[running.pk]), data)
    assert response.status_code == 200
    assert "no longer exists" in " ".join(response.context["schedule"].non_form_errors())
    other.refresh_from_db()
    assert other.cohort_id != running.pk


def test_a_cancelled_cohort_is_not_edited(client, trainer, running):
    running.cancelled_at = timezone.now()
    running.save()
    client.force_login(trainer)
    url = reverse("cohorts_admin:edit", args=[running.pk])
    response = client.get(url)
    assert response.status_code == 302
    response = client.post(url, {**edit_data(running, trainer), "name": "Zombie"})
    assert response.status_code == 200
    assert "cancelled" in " ".join(response.context["form"].non_field_errors())
    running.refresh_from_db()
    assert running.name != "Zombie"


def test_changing_the_cohort_zone_does_not_move_its_sessions(client, trainer, running):
    """Times come back in the zone they were shown in; the sessions stay where they were."""
    before = list(running.sessions.values_list("starts_at", flat=True))
    data = {**edit_data(running, trainer), "time_zone": "America/New_York"}
    data["schedule_zone"] = "Europe/Amsterdam"
    client.force_login(trainer)
    response = client.post(reverse("cohorts_admin:edit", args=[running.pk]), data)
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.time_zone == "America/New_York"
    assert list(running.sessions.values_list("starts_at", flat=True)) == before
    form = client.get(reverse("cohorts_admin:edit", args=[running.pk]))
    assert form.context["zone_name"] == "America/New_York"
