"""The iCalendar files: RFC 5545 structure, time zones, folding, escaping and the feeds."""

import datetime
import zoneinfo
from http import HTTPStatus

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.calendar import cohort_calendar
from cohorts.models import CalendarFeed, Enrollment, Session
from cohorts.selectors import cohort_sessions
from tests.cohorts.helpers_calendar import enroll, make_cohort, make_session
from tests.factories import LessonPageFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def _build(cohort, *, show_video=True) -> bytes:
    sessions = cohort_sessions(cohort=cohort)
    return cohort_calendar(cohort, sessions, show_video=show_video)


@pytest.fixture
def cohort(trainer):
    """A cohort in New York with two sessions, one across the DST change in March."""
    cohort = make_cohort(name="Listening, first steps", time_zone="America/New_York")
    cohort.trainers.add(trainer)
    lesson = LessonPageFactory(parent=cohort.course, title="Search; then listen")
    make_session(
        cohort=cohort,
        number=1,
        title="Kick-off",
        starts_at=datetime.datetime(2027, 3, 4, 9, 30, tzinfo=NEW_YORK),
        lessons=[lesson],
    )
    make_session(
        cohort=cohort,
        number=2,
        title="Replies, complaints; and a plan",
        starts_at=datetime.datetime(2027, 3, 18, 9, 30, tzinfo=NEW_YORK),
        place="",
        video_url="https://meet.example/abc",
    )
    return cohort


def test_calendar_header_and_one_event_per_session(cohort):
    """The calendar names itself and has one VEVENT per session with a stable UID."""
    parsed = icalendar.Calendar.from_ical(_build(cohort))
    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"] == "-//Spoke//Cohort calendar//EN"
    assert parsed["CALSCALE"] == "GREGORIAN"
    assert parsed["METHOD"] == "PUBLISH"
    assert parsed["X-WR-CALNAME"] == cohort.name
    uids = [str(event["UID"]) for event in _events(parsed)]
    expected = [f"session-{pk}@testserver" for pk in cohort.sessions.values_list("pk", flat=True)]
    assert sorted(uids) == sorted(expected)


def test_times_carry_the_cohort_zone_and_the_right_instant(cohort):
    """DTSTART/DTEND name the cohort's TZID, point at the right UTC instant, and a VTIMEZONE
    for that zone is included."""
    raw = _build(cohort)
    parsed = icalendar.Calendar.from_ical(raw)
    first, second = sorted(_events(parsed), key=lambda event: event.decoded("DTSTART"))
    assert first["DTSTART"].params["TZID"] == "America/New_York"
    assert first.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2027, 3, 4, 14, 30, tzinfo=datetime.UTC
    )
    # After the switch to summer time the same local hour is an hour earlier in UTC.
    assert second.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2027, 3, 18, 13, 30, tzinfo=datetime.UTC
    )
    assert second.decoded("DTEND") - second.decoded("DTSTART") == datetime.timedelta(minutes=90)
    assert b"DTSTART;TZID=America/New_York:20270304T093000" in raw
    assert [str(zone["TZID"]) for zone in parsed.walk("VTIMEZONE")] == ["America/New_York"]


def test_event_fields(cohort):
    """Summary, URL, description with lessons, location and DTSTAMP are filled in."""
    parsed = icalendar.Calendar.from_ical(_build(cohort))
    first, second = sorted(_events(parsed), key=lambda event: event.decoded("DTSTART"))
    assert str(first["SUMMARY"]) == "Listening, first steps: 1. Kick-off"
    assert str(first["URL"]) == "http://testserver" + reverse("cohorts:detail", args=[cohort.pk])
    assert "Search; then listen" in str(first["DESCRIPTION"])
    assert str(first["LOCATION"]) == "Room 4.12"
    assert str(second["LOCATION"]) == "https://meet.example/abc"
    assert first.decoded("DTSTAMP").tzinfo is not None
    assert str(first["STATUS"]) == "CONFIRMED"


def test_video_link_left_out_when_not_allowed(cohort):
    """Without a place in the cohort the video link stays out of the file."""
    raw = _build(cohort, show_video=False)
    assert b"meet.example" not in raw


def test_sequence_follows_the_session(cohort):
    """SEQUENCE is the session's own counter, so calendars take the change."""
    session = cohort.sessions.get(number=1)
    Session.objects.filter(pk=session.pk).update(sequence=3)
    parsed = icalendar.Calendar.from_ical(_build(cohort))
    sequences = {str(event["UID"]): int(event["SEQUENCE"]) for event in _events(parsed)}
    assert sequences[f"session-{session.pk}@testserver"] == 3
    assert sorted(sequences.values()) == [0, 3]


def test_cancelled_cohort_cancels_every_event(cohort):
    """Sessions of a cancelled cohort are published with STATUS:CANCELLED."""
    cohort.cancelled_at = timezone.now()
    cohort.save()
    parsed = icalendar.Calendar.from_ical(_build(cohort))
    assert {str(event["STATUS"]) for event in _events(parsed)} == {"CANCELLED"}


def test_lines_folded_crlf_and_escaped(cohort):
    """Lines end in CRLF, none is longer than 75 octets, and , ; are escaped."""
    make_session(
        cohort=cohort,
        number=3,
        title="Ünïcödé, long; " + "ä" * 80,
        starts_at=datetime.datetime(2027, 4, 1, 9, 30, tzinfo=NEW_YORK),
    )
    raw = _build(cohort)
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    unfolded = raw.replace(b"\r\n ", b"")
    assert b"SUMMARY:Listening\\, first steps: 2. Replies\\, complaints\\; and a plan" in (unfolded)
    assert "Ünïcödé\\, long\\; ".encode() in unfolded
    parsed = icalendar.Calendar.from_ical(raw)
    summaries = {str(event["SUMMARY"]) for event in _events(parsed)}
    assert f"Listening, first steps: 3. Ünïcödé, long; {'ä' * 80}" in summaries


def test_empty_cohort_is_still_a_valid_calendar():
    """A cohort without sessions gives a calendar with no events."""
    parsed = icalendar.Calendar.from_ical(_build(make_cohort()))
    assert parsed["VERSION"] == "2.0"
    assert _events(parsed) == []


def test_cohort_download_headers(client, cohort, learner):
    """The .ics download is text/calendar with a file name from the cohort's name."""
    enroll(learner, cohort)
    client.force_login(learner)
    response = client.get(reverse("cohorts:calendar_ics", args=[cohort.pk]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="listening-first-steps.ics"'
    assert len(_events(icalendar.Calendar.from_ical(response.content))) == 2


def test_invited_member_download_has_no_video_link(client, cohort, learner):
    """Someone only invited gets the schedule without the video link."""
    enroll(learner, cohort, Enrollment.Status.INVITED)
    client.force_login(learner)
    response = client.get(reverse("cohorts:calendar_ics", args=[cohort.pk]))
    assert response.status_code == HTTPStatus.OK
    assert b"meet.example" not in response.content


def test_personal_feed_has_only_the_owners_sessions(client, cohort, learner):
    """The feed lists every session of the person's cohorts and nobody else's."""
    enroll(learner, cohort)
    finished = make_cohort(sessions=1, name="Earlier run")
    enroll(learner, finished, Enrollment.Status.COMPLETED)
    for status in ("invited", "waitlisted", "withdrawn"):
        enroll(learner, make_cohort(sessions=1, name=f"Not mine {status}"), status)
    other = make_cohort(sessions=2, name="Someone else's")
    enroll(UserFactory(), other)
    feed = CalendarFeed.objects.create(user=learner)

    response = client.get(reverse("cohorts:feed", args=[feed.token]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    events = _events(icalendar.Calendar.from_ical(response.content))
    mine = set(cohort.sessions.values_list("pk", flat=True)) | set(
        finished.sessions.values_list("pk", flat=True)
    )
    assert {str(event["UID"]) for event in events} == {f"session-{pk}@testserver" for pk in mine}
    assert b"meet.example/abc" in response.content


def test_personal_feed_follows_session_changes(client, cohort, learner):
    """A moved session shows its new time and a higher SEQUENCE on the next fetch."""
    enroll(learner, cohort)
    feed = CalendarFeed.objects.create(user=learner)
    session = cohort.sessions.get(number=1)
    new_start = datetime.datetime(2027, 3, 5, 10, 0, tzinfo=NEW_YORK)
    Session.objects.filter(pk=session.pk).update(
        starts_at=new_start, ends_at=new_start + datetime.timedelta(hours=1), sequence=1
    )
    response = client.get(reverse("cohorts:feed", args=[feed.token]))
    event = next(
        event
        for event in _events(icalendar.Calendar.from_ical(response.content))
        if str(event["UID"]) == f"session-{session.pk}@testserver"
    )
    assert event.decoded("DTSTART") == new_start
    assert int(event["SEQUENCE"]) == 1


def test_personal_feed_includes_cohorts_the_person_trains(client, cohort, trainer):
    """A trainer's feed has the sessions of the cohorts they run."""
    feed = CalendarFeed.objects.create(user=trainer)
    response = client.get(reverse("cohorts:feed", args=[feed.token]))
    assert len(_events(icalendar.Calendar.from_ical(response.content))) == 2


def test_personal_feed_leaves_out_unpublished_cohorts(client, learner):
    """An enrollment in a cohort that is still a draft does not show in the feed."""
    enroll(learner, make_cohort(sessions=2, is_published=False))
    feed = CalendarFeed.objects.create(user=learner)
    response = client.get(reverse("cohorts:feed", args=[feed.token]))
    assert _events(icalendar.Calendar.from_ical(response.content)) == []


def test_unknown_token_is_404(client):
    """A token nobody has gets a 404."""
    response = client.get(reverse("cohorts:feed", args=["not-a-real-token"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_inactive_persons_feed_is_404(client, learner):
    """A deactivated person's feed stops working."""
    feed = CalendarFeed.objects.create(user=learner)
    learner.is_active = False
    learner.save()
    response = client.get(reverse("cohorts:feed", args=[feed.token]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_personal_feed_queries_are_bounded(client, django_assert_max_num_queries, learner):
    """The feed costs the same few queries however many cohorts and sessions there are."""
    course_lesson = LessonPageFactory()
    for _ in range(5):
        cohort = make_cohort(sessions=6, course=course_lesson.get_parent().specific)
        for session in cohort.sessions.all():
            session.lessons.add(course_lesson)
        enroll(learner, cohort)
    feed = CalendarFeed.objects.create(user=learner)
    with django_assert_max_num_queries(5):  # and the content stamp (core.pagecache)
        response = client.get(reverse("cohorts:feed", args=[feed.token]))
    assert len(_events(icalendar.Calendar.from_ical(response.content))) == 30
