"""In a browser: a learner in New York joins a cohort run in Amsterdam, or its waitlist.

The cohort, its course and sessions are built with the factories; the learner does the
rest through the pages: the dashboard, the cohort page, the .ics download and the calendar
feed page.
"""

import re
import zoneinfo
from datetime import datetime, time, timedelta

import icalendar
import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import CalendarFeed, Cohort, Enrollment
from tests.factories import CohortFactory, CoursePageFactory, SessionFactory, UserFactory

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized_rollback puts back what the
    # migrations created (groups, the Wagtail tree) for whatever runs next.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
COHORT = "Listening in public · Amsterdam"
FULL_COHORT = "Answering complaints · full"
APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"


def _verified(user):
    """Log-in needs a confirmed address (verification is mandatory)."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _wall_clock(moment: datetime, zone: zoneinfo.ZoneInfo) -> str:
    """``moment`` as the pages print it (``D j M Y, H:i``) on a clock in ``zone``."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _in_two_weeks_at(hour: int) -> datetime:
    """Two weeks from today at ``hour`` o'clock in Amsterdam."""
    day = (timezone.now() + timedelta(days=14)).astimezone(AMSTERDAM).date()
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


@pytest.fixture
def new_yorker(learner):
    """The learner, verified, with their clock in New York."""
    learner.time_zone = "America/New_York"
    learner.save(update_fields=["time_zone"])
    return _verified(learner)


@pytest.fixture
def amsterdam_cohort(live_server, trainer):
    """An open cohort in Amsterdam with two sessions, the first in two weeks at 15:00."""
    course = CoursePageFactory(title="Listening online")
    cohort = CohortFactory(
        name=COHORT, course=course, time_zone="Europe/Amsterdam", trainers=[trainer]
    )
    first = _in_two_weeks_at(15)
    sessions = [
        SessionFactory(
            cohort=cohort, number=number, title=title, starts_at=first + timedelta(weeks=week)
        )
        for number, (week, title) in enumerate(((0, "Kick-off"), (1, "Listening drill")), 1)
    ]
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_at=sessions[0].starts_at, ends_at=sessions[-1].ends_at
    )
    return cohort, sessions


def test_learner_in_new_york_enrols_sees_local_times_and_takes_the_calendar(
    amsterdam_cohort, new_yorker, password, new_page, log_in, screenshot, external_requests
):
    """Dashboard, cohort page, enrol; times in New York; .ics download; feed address."""
    cohort, sessions = amsterdam_cohort
    page = new_page()
    log_in(page, email=new_yorker.email, password=password)

    # The dashboard offers the open cohort.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    panel = page.get_by_role("region", name="My cohorts")
    expect(panel.get_by_text("You are not in a cohort yet.")).to_be_visible()
    panel.get_by_role("link", name=COHORT, exact=True).click()

    # Its page, as a visitor: the schedule and an Enrol button.
    expect(page.get_by_role("heading", level=1)).to_have_text(COHORT)
    expect(page.get_by_text("Not enrolled")).to_be_visible()
    page.get_by_role("button", name="Enrol", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("You are enrolled.")
    expect(page.get_by_role("button", name="Enrol", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Leave this cohort")).to_be_visible()
    assert Enrollment.objects.get(cohort=cohort, user=new_yorker).status == "enrolled"

    # The next session on the person's own clock: 15:00 in Amsterdam is 09:00 in New York
    # (10:00 in the weeks when only one of them has changed to or from summer time), with
    # the cohort's own time beside it.
    next_session = page.locator("#session-1")
    expect(next_session.get_by_text("Next", exact=True)).to_be_visible()
    new_york_time = _wall_clock(sessions[0].starts_at, NEW_YORK)
    assert new_york_time.endswith(("09:00", "10:00"))
    expect(next_session.locator(".session__time time").first).to_have_text(new_york_time)
    expect(next_session).to_contain_text("(America/New_York)")
    amsterdam_time = _wall_clock(sessions[0].starts_at, AMSTERDAM)
    expect(next_session).to_contain_text(f"In the cohort{APOSTROPHE}s time zone: {amsterdam_time}")
    screenshot(page, "cohort-enrolled-new-york")

    # The cohort's calendar file: both sessions, at Amsterdam times.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(download.path().read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    assert [str(event["summary"]) for event in events] == [
        f"{COHORT}: 1. Kick-off",
        f"{COHORT}: 2. Listening drill",
    ]
    for event, session in zip(events, sessions, strict=True):
        start = event.decoded("dtstart")
        assert start == session.starts_at
        assert str(start.tzinfo) == "Europe/Amsterdam"

    # The calendar page gives the person's private feed address.
    page.get_by_role("link", name="Subscribe to all your sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar feed")
    # Opening the page makes nothing; the address is made when the person asks for it.
    assert not CalendarFeed.objects.filter(user=new_yorker).exists()
    page.get_by_role("button", name="Make my calendar address").click()
    token = CalendarFeed.objects.get(user=new_yorker).token
    expect(page.get_by_label("Feed address")).to_have_value(
        re.compile(rf"^https?://[^/]+/cohorts/calendar/{re.escape(token)}\.ics$")
    )
    screenshot(page, "cohort-calendar-feed")
    assert external_requests == []


def test_full_cohort_waitlists_and_leaving_asks_first(
    live_server, trainer, new_yorker, password, new_page, log_in, screenshot
):
    """A full cohort puts the learner on the waitlist, says so; leaving is confirmed first."""
    cohort = CohortFactory(name=FULL_COHORT, capacity=1, trainers=[trainer])
    SessionFactory(cohort=cohort, number=1, title="Kick-off", starts_at=_in_two_weeks_at(10))
    Enrollment.objects.create(
        cohort=cohort, user=UserFactory(), status="enrolled", enrolled_at=timezone.now()
    )
    page = new_page()
    log_in(page, email=new_yorker.email, password=password)
    page.get_by_role("region", name="My cohorts").get_by_role(
        "link", name=FULL_COHORT, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_COHORT)

    page.get_by_role("button", name="Enrol", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("This cohort is full: you are on the waitlist.")
    expect(
        page.get_by_text("You are on the waitlist. We tell you as soon as a place is free.")
    ).to_be_visible()
    expect(page.get_by_text("On the waitlist", exact=True)).to_be_visible()
    assert Enrollment.objects.get(cohort=cohort, user=new_yorker).status == "waitlisted"
    screenshot(page, "cohort-waitlisted")

    # Leaving asks first; "Stay" changes nothing.
    page.get_by_role("link", name="Leave this cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Leave {FULL_COHORT}?")
    assert Enrollment.objects.get(cohort=cohort, user=new_yorker).status == "waitlisted"
    page.get_by_role("link", name="Stay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_COHORT)
    assert Enrollment.objects.get(cohort=cohort, user=new_yorker).status == "waitlisted"

    page.get_by_role("link", name="Leave this cohort").click()
    page.get_by_role("button", name="Leave the cohort").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("status")).to_have_text(f"You have left {FULL_COHORT}.")
    assert Enrollment.objects.get(cohort=cohort, user=new_yorker).status == "withdrawn"
