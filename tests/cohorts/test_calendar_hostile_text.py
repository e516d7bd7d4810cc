"""Names with line breaks, tabs, NUL, great length or any script still make a valid .ics."""

import datetime
from http import HTTPStatus

import icalendar
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cohorts.calendar import ical_text
from cohorts.models import CalendarFeed, Cohort
from tests.cohorts.helpers_calendar import enroll, make_cohort, make_session

from .test_admin_cohort_form import CREATE, cohort_fields, local, next_monday_at, session_rows

pytestmark = pytest.mark.django_db

LONG = "Ünïcødé naïve café 東京 🚀 " * 3

NAMES = {
    "lf": ("Sales\nSupport", "Sales Support"),
    "cr": ("Sales\rSupport", "Sales Support"),
    "crlf": ("Sales\r\nSupport", "Sales Support"),
    "tab": ("Sales\tSupport", "Sales Support"),
    "nul": ("Sales\x00Support", "SalesSupport"),
    "bell-and-escape": ("Sales\x07\x1b[31mSupport", "Sales[31mSupport"),
    "separators": ("Sales\u2028Support\u2029", "Sales Support"),
    "icalendar-specials": ("Sales; Support, Team\\One", "Sales; Support, Team\\One"),
    "non-ascii": ("Zoë\u2019s café · 東京 🚀", "Zoë\u2019s café · 東京 🚀"),
    "long": (LONG, " ".join(LONG.split())),
}


def _cohort_with(name: str, *, place: str = "Room 4.12") -> Cohort:
    cohort = make_cohort(name=name[:120])
    make_session(
        cohort=cohort,
        number=1,
        title=f"Kick-off {name}"[:160],
        place=place,
        starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=7),
    )
    return cohort


@pytest.mark.parametrize("case", NAMES, ids=list(NAMES))
def test_cohort_download_survives_and_round_trips(client, learner, case):
    """The .ics answers, parses, and the name reads back as one clean line."""
    raw, expected = NAMES[case]
    if "\x00" in raw and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL stores no NUL in text; ical_text is tested with NUL below")
    cohort = _cohort_with(raw)
    enroll(learner, cohort)
    client.force_login(learner)
    response = client.get(reverse("cohorts:calendar_ics", args=[cohort.pk]))
    assert response.status_code == HTTPStatus.OK
    for line in response.content.split(b"\r\n"):
        assert len(line) <= 75
        assert not set(line) & {0x00, 0x0A, 0x0D}
    parsed = icalendar.Calendar.from_ical(response.content)
    assert str(parsed["X-WR-CALNAME"]) == expected[:120].strip()
    (event,) = parsed.walk("VEVENT")
    summary = str(event["SUMMARY"])
    assert summary.startswith(expected[:120].strip())
    assert ": 1. Kick-off" in summary
    assert response["Content-Disposition"].endswith('.ics"')


def test_place_with_line_breaks_keeps_them_as_escaped_breaks(client, learner):
    """A multi-line place reads back with its lines; other control characters are gone."""
    cohort = _cohort_with("Plain", place="Building 2\r\nFloor 3\x07\tDesk 7")
    enroll(learner, cohort)
    client.force_login(learner)
    response = client.get(reverse("cohorts:calendar_ics", args=[cohort.pk]))
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["LOCATION"]) == "Building 2\nFloor 3\tDesk 7"


def test_personal_feed_survives_a_broken_cohort_name(client, learner):
    """The personal feed with a CRLF and escape-sequence cohort name answers and parses."""
    enroll(learner, _cohort_with("Bad\r\nname\x1b"))
    feed = CalendarFeed.objects.create(user=learner)
    response = client.get(reverse("cohorts:feed", args=[feed.token]))
    assert response.status_code == HTTPStatus.OK
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Bad name: 1.")


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "a\rb", "a\x00b", "a\x1fb"])
def test_ical_text_never_leaves_a_raw_control_character(value):
    """Whatever comes in, the TEXT written holds no raw control character but the tab."""
    written = icalendar.vText(ical_text(value)).to_ical()
    assert not any(byte < 0x20 and byte != 0x09 for byte in written)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Sales\nSupport"),
        ("name", "Sales\r\nSupport"),
        ("name", "Sales\tSupport"),
        ("name", "Sales\x00Support"),
    ],
)
def test_cohort_form_refuses_control_characters_and_keeps_input(client, trainer, field, value):
    """A name with a line break, tab or NUL is refused with a message; the rest stays."""
    course = make_cohort().course
    first = next_monday_at(10)
    client.force_login(trainer)
    response = client.post(
        CREATE,
        {
            **cohort_fields(course, [trainer], **{field: value}),
            **session_rows(
                [
                    {
                        "title": "Kick-off",
                        "starts_at": local(first),
                        "ends_at": local(first + datetime.timedelta(hours=1)),
                        "place": "Atrium",
                    }
                ]
            ),
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert not Cohort.objects.filter(course=course).exclude(name__startswith="Cohort").exists()
    errors = " ".join(response.context["form"].errors[field])
    assert "one line" in errors or "Null characters" in errors
    assert 'value="Atrium"' in response.content.decode()


@pytest.mark.parametrize(("field", "value"), [("title", "Kick\noff"), ("place", "Room\r\n4")])
def test_session_row_refuses_control_characters(client, trainer, field, value):
    """A session title or place with a line break is refused beside the field."""
    course = make_cohort().course
    first = next_monday_at(10)
    row = {
        "title": "Kick-off",
        "starts_at": local(first),
        "ends_at": local(first + datetime.timedelta(hours=1)),
        "place": "Atrium",
        field: value,
    }
    client.force_login(trainer)
    response = client.post(
        CREATE, {**cohort_fields(course, [trainer], name="Keep me"), **session_rows([row])}
    )
    assert response.status_code == HTTPStatus.OK
    assert "one line" in " ".join(response.context["schedule"].forms[0].errors[field])
    assert 'value="Keep me"' in response.content.decode()


def test_non_ascii_name_is_accepted_by_the_form(client, trainer):
    """Accents, CJK and emoji are not control characters: the cohort is created."""
    course = make_cohort().course
    first = next_monday_at(10)
    client.force_login(trainer)
    response = client.post(
        CREATE,
        {
            **cohort_fields(course, [trainer], name="Zoë\u2019s café · 東京 🚀"),
            **session_rows(
                [
                    {
                        "title": "Kick-off",
                        "starts_at": local(first),
                        "ends_at": local(first + datetime.timedelta(hours=1)),
                    }
                ]
            ),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Cohort.objects.filter(name="Zoë\u2019s café · 東京 🚀").exists()
