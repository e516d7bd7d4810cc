"""In a browser: a trainer schedules a cohort in the Wagtail admin and takes attendance.

Built with the factories (one course, one trainer, two learners): seeding the whole demo
would take most of the folder's budget.
"""

import datetime
import re
import zoneinfo
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Attendance, Cohort, Enrollment, Session
from people import roles
from tests.factories import (
    CohortFactory,
    CoursePageFactory,
    EnrollmentFactory,
    SessionFactory,
    UserFactory,
    add_role,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def coach(live_server, password):
    return _verified(
        add_role(
            UserFactory(email="coach@spoke.example", first_name="Cora", last_name="Coach"),
            roles.TRAINER,
        )
    )


def test_trainer_creates_a_cohort_with_a_session(coach, password, new_page, log_in, screenshot):
    """From the admin menu to a published cohort with one session, typed in its zone."""
    CoursePageFactory(title="Listening online")
    page = new_page()
    log_in(page, email=coach.email, password=password)
    page.goto("/admin/")
    page.get_by_role("link", name="Cohorts").first.click()
    expect(page.get_by_text("You do not run any cohort yet")).to_be_visible()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Listening · winter")
    page.get_by_label("Course").select_option(label="Listening online")
    page.get_by_label("Time zone").select_option("Europe/Amsterdam")
    page.get_by_label("Published").check()
    day = (timezone.now() + timedelta(days=10)).date()
    start = day.isoformat()
    page.locator("#id_sessions-0-title").fill("Why we listen")
    page.locator("#id_sessions-0-starts_at").fill(f"{start}T09:30")
    page.locator("#id_sessions-0-ends_at").fill(f"{start}T08:30")  # ends before it starts
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("A session must end after it starts.")
    expect(page.locator("#id_sessions-0-title")).to_have_value("Why we listen")
    screenshot(page, "admin-cohort-form-error")
    page.locator("#id_sessions-0-ends_at").fill(f"{start}T10:30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Listening · winter")
    expect(page.get_by_role("cell", name="Why we listen")).to_be_visible()
    cohort = Cohort.objects.get()
    session = Session.objects.get(cohort=cohort)
    assert session.starts_at == datetime.datetime.combine(
        day, datetime.time(9, 30), tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam")
    )
    assert cohort.is_published
    screenshot(page, "admin-cohort-roster")


def test_trainer_takes_attendance(coach, password, new_page, log_in, screenshot):
    """The trainer opens the roster, takes attendance for the session under way, and the
    roster counts it."""
    cohort = CohortFactory(name="Replying well", trainers=[coach])
    now = timezone.now()
    SessionFactory(
        cohort=cohort,
        number=1,
        title="Kick-off",
        starts_at=now - timedelta(minutes=20),
        ends_at=now + timedelta(minutes=40),
    )
    cohort.starts_at, cohort.ends_at = now - timedelta(minutes=20), now + timedelta(minutes=40)
    cohort.save()
    came = EnrollmentFactory(cohort=cohort, user=UserFactory(first_name="Ana", last_name="Aalto"))
    EnrollmentFactory(cohort=cohort, user=UserFactory(first_name="Ben", last_name="Berg"))
    page = new_page()
    log_in(page, email=coach.email, password=password)
    page.goto(f"/admin/cohorts/{cohort.pk}/")
    page.get_by_role("link", name=re.compile("Take attendance")).click()
    page.get_by_label("Present: Ana Aalto").check()
    page.get_by_label("Excused: Ben Berg").check()
    screenshot(page, "admin-attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved for 2 people.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("2 recorded"))).to_be_visible()
    assert Attendance.objects.get(enrollment=came).status == Attendance.Status.PRESENT
    assert Enrollment.objects.filter(cohort=cohort).count() == 2
