"""FailSoftTask: a message the broker cannot take is kept in the database and sent later."""

import logging
from unittest import mock

import pytest
from celery.app.task import Task
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError

from core.models import DeferredTask, NotificationLog
from core.queue import FailSoftTask, broker_breaker
from core.services import deferred_tasks_requeue
from core.tasks import notification_send_task
from tests.conftest import celery_sending_to
from tests.factories import UserFactory

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once
NOTICE = {"headline": "Your cohort starts tomorrow", "message": "See you at 10:00."}


@pytest.fixture
def person(db):
    return UserFactory(email="ines@spoke.example", first_name="Ines")


@pytest.fixture
def broker_down():
    with celery_sending_to(DOWN) as app:
        yield app


def notify(person, key="reminder-1"):
    return notification_send_task.delay(
        user_id=person.pk, key=key, template="core/email/notice", context=NOTICE
    )


def test_every_task_of_the_app_is_fail_soft():
    """The project's tasks use the fail-soft class (set once, in lms/celery.py)."""
    assert isinstance(notification_send_task, FailSoftTask)


def test_broker_down_keeps_the_message(person, broker_down):
    """With the broker down, delay() returns and the message is kept, with its id."""
    result = notify(person)
    row = DeferredTask.objects.get()
    assert row.task_name == "core.tasks.notification_send_task"
    assert row.task_id == result.id
    assert row.args == []
    assert row.kwargs == {
        "user_id": person.pk,
        "key": "reminder-1",
        "template": "core/email/notice",
        "context": NOTICE,
    }
    assert "Connection refused" in row.last_error
    assert mail.outbox == []


def test_on_commit_enqueue_is_kept(person, broker_down, django_capture_on_commit_callbacks):
    """Work enqueued after commit (delay_on_commit) is kept the same way."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification_send_task.delay_on_commit(
            user_id=person.pk, key="k", template="core/email/notice", context=NOTICE
        )
    assert DeferredTask.objects.filter(task_name="core.tasks.notification_send_task").exists()


def test_breaker_skips_the_broker_after_a_failure(person, broker_down, caplog):
    """Once the broker failed, the next messages go straight to the database, and the
    outage is logged once."""
    refused = OperationalError("Error 111 connecting. Connection refused.")
    with (
        mock.patch.object(Task, "apply_async", side_effect=refused) as sent,
        caplog.at_level(logging.WARNING, logger="core.queue"),
    ):
        for number in range(5):
            notify(person, key=f"k-{number}")
    assert sent.call_count == 1
    assert DeferredTask.objects.count() == 5
    assert len([r for r in caplog.records if r.name == "core.queue"]) == 1


def test_periodic_messages_from_beat_are_not_kept(db, broker_down):
    """Beat's messages fail as before (beat logs it and sends again at the next tick):
    keeping them would pile up one per tick during an outage."""
    from core.tasks import deferred_tasks_requeue_task

    with pytest.raises(OperationalError):
        deferred_tasks_requeue_task.apply_async(headers={"celery_beat_task": True})
    assert not DeferredTask.objects.exists()


def test_eager_default_runs_in_process(person):
    """The embedded default (no broker, tasks in-process) keeps running tasks at once."""
    broker_breaker.record_failure()  # even an open breaker does not matter in-process
    try:
        notify(person)
    finally:
        broker_breaker.record_success()
    assert len(mail.outbox) == 1
    assert not DeferredTask.objects.exists()


def test_nothing_is_lost_requeued_message_runs(person, broker_down):
    """A kept notification is sent, once, when the messages are sent again."""
    notify(person)
    broker_down.conf.task_always_eager = True  # the broker is back; run what it would run
    assert deferred_tasks_requeue() == 1
    assert not DeferredTask.objects.exists()
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(key="reminder-1").exists()


def test_requeue_stops_while_broker_still_down(person, broker_down):
    """Re-sending while the broker is still down keeps every message, counting attempts."""
    notify(person, key="a")
    notify(person, key="b")
    assert deferred_tasks_requeue() == 0
    rows = list(DeferredTask.objects.order_by("pk"))
    assert [row.kwargs["key"] for row in rows] == ["a", "b"]
    assert rows[0].attempts == 2  # stopped at the first refusal
    assert rows[1].attempts == 1


def test_requeue_sends_oldest_first_with_the_same_id(person, broker_down):
    """Messages are sent again oldest first, under the id the caller was given."""
    first = notify(person, key="a")
    second = notify(person, key="b")
    with mock.patch.object(FailSoftTask, "publish") as publish:
        assert deferred_tasks_requeue() == 2
    assert [call.kwargs["task_id"] for call in publish.call_args_list] == [first.id, second.id]
    assert not DeferredTask.objects.exists()


def test_unknown_task_is_kept_for_an_operator(db):
    """A message for a task that no longer exists stays, saying why."""
    DeferredTask.objects.create(task_name="gone.tasks.old", task_id="x")
    assert deferred_tasks_requeue() == 0
    row = DeferredTask.objects.get()
    assert row.last_error == "unknown task gone.tasks.old"


def test_command_reports_what_it_sent(person, broker_down, capsys):
    """manage.py requeue_deferred_tasks says how many were sent and how many are left."""
    notify(person)
    call_command("requeue_deferred_tasks")
    assert "0 sent, 1 still kept" in capsys.readouterr().out
    broker_down.conf.task_always_eager = True
    call_command("requeue_deferred_tasks")
    assert "1 sent, 0 still kept" in capsys.readouterr().out


def test_broker_back_asks_for_the_kept_messages(person, broker_down):
    """The first message that gets through after an outage asks a worker to send the rest."""
    notify(person, key="kept")
    broker_breaker._open_until = 0  # the cooldown is over
    with mock.patch.object(Task, "apply_async", autospec=True) as sent:
        notify(person, key="new")
    names = [call.args[0].name for call in sent.call_args_list]
    assert names == [
        "core.tasks.notification_send_task",
        "core.tasks.deferred_tasks_requeue_task",
    ]


def test_database_down_too_is_logged_not_raised(person, broker_down, caplog):
    """If the message cannot be kept either, the call logs it all and does not raise."""
    with mock.patch("core.services.DeferredTask.objects.create", side_effect=DatabaseError):
        notify(person)
    assert "Could not send or keep task core.tasks.notification_send_task" in caplog.text
    assert "reminder-1" in caplog.text


def test_programming_errors_still_raise(person, broker_down):
    """Only broker errors are kept; a bad call (wrong arguments) still raises."""
    with pytest.raises(TypeError):
        notification_send_task.delay(person.pk)
