"""iCalendar (RFC 5545) text for cohort schedules: one file per cohort, one feed per person.

The ``icalendar`` library does the folding, escaping and VTIMEZONE components; this module
only decides what goes into each event. Callers pass sessions with ``cohort`` selected and
``lessons`` prefetched, so building a calendar runs no queries.
"""

import datetime
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from people.models import zone_or_utc

from .models import Cohort, Session

PRODID = "-//Spoke//Cohort calendar//EN"
# How far around the sessions the generated time-zone rules reach.
_ZONE_MARGIN = datetime.timedelta(days=366)


# RFC 5545 TEXT allows no control characters but the horizontal tab; line breaks are written
# as the escape "\\n" by icalendar. CR, CRLF and the other breaks become one LF first.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def ical_text(value: str, *, one_line: bool = False) -> str:
    """``value`` made fit for an iCalendar TEXT value that any calendar can read back.

    Line breaks become LF (which icalendar writes as the escape ``\\n``), or one space
    when ``one_line``; other control characters, which RFC 5545 forbids and which broke
    the feed, are dropped. The X-WR-CALNAME property is written as given (clients read it
    unescaped), so its text must be ``one_line``.
    """
    text = _LINE_BREAKS.sub("\n", str(value))
    if one_line:
        text = " ".join(text.split())
    lines = [_CONTROLS.sub("", line) for line in text.split("\n")]
    return "\n".join(lines)


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def calendar_host() -> str:
    """The host named in every event UID, so UIDs stay the same across downloads."""
    return urlsplit(_base_url()).hostname or "spoke.invalid"


def session_uid(session: Session) -> str:
    """The stable UID of a session's event."""
    return f"session-{session.pk}@{calendar_host()}"


def cohort_page_url(cohort: Cohort) -> str:
    """The absolute address of the cohort's page."""
    return _base_url() + reverse("cohorts:detail", args=[cohort.pk])


def cohort_calendar_filename(cohort: Cohort) -> str:
    """A safe file name for the cohort's .ics download."""
    return f"{slugify(cohort.name) or f'cohort-{cohort.pk}'}.ics"


def _description(session: Session) -> str:
    lessons = [lesson.title for lesson in session.lessons.all()]
    lines = [f"{session.cohort.course.title}"] if session.cohort.course_id else []
    if lessons:
        lines.append("Lessons covered:")
        lines.extend(f"- {title}" for title in lessons)
    return "\n".join(lines)


def _location(session: Session, *, show_video: bool) -> str:
    if session.place and session.video_url and show_video:
        return f"{session.place} / {session.video_url}"
    if session.place:
        return session.place
    return session.video_url if show_video else ""


def session_event(
    session: Session, *, show_video: bool, stamp: datetime.datetime
) -> icalendar.Event:
    """One VEVENT for a session, with times in the cohort's own time zone."""
    cohort = session.cohort
    zone = zone_or_utc(cohort.time_zone)
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    event.add("created", session.created_at.astimezone(datetime.UTC))
    event.add("last-modified", session.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add(
        "summary", ical_text(f"{cohort.name}: {session.number}. {session.title}", one_line=True)
    )
    location = _location(session, show_video=show_video)
    if location:
        event.add("location", ical_text(location))
    event.add("url", cohort_page_url(cohort))
    description = _description(session)
    if description:
        event.add("description", ical_text(description))
    event.add("sequence", session.sequence)
    cancelled = cohort.cancelled_at is not None
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def build_calendar(
    sessions: Iterable[Session],
    *,
    name: str,
    show_video_for: set[int] | frozenset[int] = frozenset(),
    time_zone: str | None = None,
) -> bytes:
    """An RFC 5545 calendar of ``sessions``, folded and with CRLF line endings.

    ``show_video_for`` holds the ids of the cohorts whose video links the reader may see;
    ``time_zone`` names the calendar's main zone (a single cohort's).
    """
    sessions = list(sessions)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", ical_text(name, one_line=True))
    if time_zone:
        calendar.add("x-wr-timezone", time_zone)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for session in sessions:
        calendar.add_component(
            session_event(session, show_video=session.cohort_id in show_video_for, stamp=stamp)
        )
    if sessions:
        first = min(session.starts_at for session in sessions) - _ZONE_MARGIN
        last = max(session.ends_at for session in sessions) + _ZONE_MARGIN
        calendar.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return calendar.to_ical()


def cohort_calendar(cohort: Cohort, sessions: Iterable[Session], *, show_video: bool) -> bytes:
    """The .ics file of one cohort's schedule."""
    return build_calendar(
        sessions,
        name=cohort.name,
        show_video_for={cohort.pk} if show_video else frozenset(),
        time_zone=cohort.time_zone,
    )


def person_calendar(
    sessions: Iterable[Session], *, name: str, show_video_for: set[int] | frozenset[int]
) -> bytes:
    """A person's private feed: the sessions of every cohort they take part in."""
    return build_calendar(sessions, name=name, show_video_for=show_video_for)
