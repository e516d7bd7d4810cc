"""Practice messages: an assignment opened, work due tomorrow, the trainers' daily digest,
each sent once however often the scans run; and the background link check."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from assessments.models import Assignment, Submission
from assessments.services import practice_reminders_send, review_digests_send
from assessments.tasks import submission_link_check
from tests.factories import (
    CohortFactory,
    CoursePageFactory,
    EnrollmentFactory,
    SessionFactory,
    UserFactory,
    add_role,
)

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture
def setting(committed):
    """A cohort whose session 1 ended an hour ago and session 2 starts in 20 hours, with
    an assignment after session 1, two enrolled people and one waiting."""
    now = timezone.now()
    course = CoursePageFactory()
    cohort = CohortFactory(course=course, name="Listening · spring")
    SessionFactory(cohort=cohort, number=1, starts_at=now - 2 * HOUR, ends_at=now - HOUR)
    SessionFactory(cohort=cohort, number=2, starts_at=now + 20 * HOUR, ends_at=now + 21 * HOUR)
    cohort.starts_at, cohort.ends_at = now - 2 * HOUR, now + 21 * HOUR
    cohort.save()
    task = Assignment.objects.create(
        course=course, title="A week of listening", instructions="<p>Listen.</p>", after_session=1
    )
    people = [EnrollmentFactory(cohort=cohort).user for _ in range(2)]
    EnrollmentFactory(cohort=cohort, status="waitlisted")
    return cohort, task, people


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def subjects():
    return sorted(message.subject for message in mail.outbox)


def test_opening_and_due_tomorrow_are_each_sent_once(setting, committed):
    cohort, task, _people = setting
    with committed():
        report = practice_reminders_send()
    assert (report.opened, report.due_soon) == (2, 2)
    assert (
        subjects()
        == ["Due tomorrow: A week of listening"] * 2 + ["New practice: A week of listening"] * 2
    )
    with committed():
        practice_reminders_send()
        practice_reminders_send(now=timezone.now() + timedelta(minutes=10))
    assert len(mail.outbox) == 4
    assert f"/practice/{cohort.pk}/{task.pk}/" in mail.outbox[0].body


def test_people_who_handed_in_are_not_reminded(setting, committed):
    cohort, task, people = setting
    Submission.objects.create(
        assignment=task,
        cohort=cohort,
        user=people[0],
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    with committed():
        report = practice_reminders_send()
    assert report.due_soon == 1
    due = [m for m in mail.outbox if m.subject.startswith("Due tomorrow")]
    assert [m.to for m in due] == [[people[1].email]]


def test_old_openings_are_not_announced(setting, committed):
    with committed():
        report = practice_reminders_send(now=timezone.now() + timedelta(days=3))
    assert report.opened == 0


def test_each_trainer_gets_one_digest_a_day(setting, committed):
    cohort, task, people = setting
    coach = add_role(UserFactory(email="coach@spoke.example"), "Trainer")
    cohort.trainers.add(coach)
    for person in people:
        Submission.objects.create(
            assignment=task,
            cohort=cohort,
            user=person,
            status=Submission.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
    with committed():
        assert review_digests_send() == 1
        review_digests_send()
    assert [m.to for m in mail.outbox] == [["coach@spoke.example"]]
    assert mail.outbox[0].subject == "2 practice submissions waiting for your review"
    assert "Listening · spring: 2" in mail.outbox[0].body
    assert "/admin/practice/" in mail.outbox[0].body


def test_no_digest_when_nothing_waits(setting, committed):
    with committed():
        assert review_digests_send() == 0
    assert mail.outbox == []


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html><head><title>Our first week of listening</title></head></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_link_check_records_what_answered(setting):
    """The task fetches the link (here a local server, allowed by the test's settings) and
    stores the answer and the page title; nothing else of the submission changes."""
    cohort, task, people = setting
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        submission = Submission.objects.create(
            assignment=task,
            cohort=cohort,
            user=people[0],
            status=Submission.Status.SUBMITTED,
            submitted_at=timezone.now(),
            link_url=f"http://127.0.0.1:{server.server_port}/post/1",
        )
        options = {"enabled": True, "timeout": 2.0, "allow_private": True}
        with override_settings(SPOKE_LINK_CHECK=options):
            submission_link_check.delay(submission.pk)
    finally:
        server.shutdown()
    submission.refresh_from_db()
    assert submission.link_check == Submission.LinkCheck.OK
    assert submission.link_http_status == 200
    assert submission.link_title == "Our first week of listening"
    assert submission.status == Submission.Status.SUBMITTED


def test_the_link_check_refuses_private_addresses_by_default(setting):
    cohort, task, people = setting
    submission = Submission.objects.create(
        assignment=task,
        cohort=cohort,
        user=people[0],
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
        link_url="https://127.0.0.1/admin",
    )
    with override_settings(SPOKE_LINK_CHECK={"enabled": True, "timeout": 1.0}):
        submission_link_check.delay(submission.pk)
    submission.refresh_from_db()
    assert submission.link_check == Submission.LinkCheck.REFUSED
