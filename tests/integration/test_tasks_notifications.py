"""notification_send_task through Redis and a real worker: at most one e-mail per key."""

import time
import uuid

import pytest
from django.core import mail
from django.db import transaction

from core.models import NotificationLog
from core.tasks import notification_send_task
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.integration,
    # The worker thread reads committed rows only; serialized_rollback puts back what the
    # migrations created (groups, the Wagtail tree) for the tests that come after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# A database-free check that the app is eager again is in test_worker_restored.py: tests
# without the database run last, after every test here.

TEMPLATE = "core/email/notice"
CONTEXT = {"headline": "Your cohort starts tomorrow", "message": "See you at 10:00."}
TIMEOUT = 20


def _key() -> str:
    """A key no earlier run can have used (the queue is this session's, but be sure)."""
    return f"integration-{uuid.uuid4().hex}"


def _send(user, key: str):
    return notification_send_task.delay(
        user_id=user.pk, key=key, template=TEMPLATE, context=CONTEXT
    )


def _wait_for(condition, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def person(transactional_db):
    return UserFactory(email="ines@spoke.example", first_name="Ines")


def test_tasks_run_on_the_worker_one_email_per_key(celery_worker, person):
    """Through Redis, not in-process: each key sends its own e-mail, from the worker."""
    results = [_send(person, _key()) for _ in range(3)]
    assert not celery_worker.conf.task_always_eager
    assert [result.get(timeout=TIMEOUT) for result in results] == [True, True, True]
    assert {result.state for result in results} == {"SUCCESS"}
    assert len(mail.outbox) == 3
    assert {message.to[0] for message in mail.outbox} == {"ines@spoke.example"}
    assert mail.outbox[0].subject == "Your cohort starts tomorrow"


def test_the_same_key_twice_sends_one_email(celery_worker, person):
    """Two messages for one key (a retry, a beat that fired twice): one e-mail, one log row."""
    key = _key()
    first, second = _send(person, key), _send(person, key)
    assert [first.get(timeout=TIMEOUT), second.get(timeout=TIMEOUT)] == [True, False]
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(key=key, user=person).count() == 1


def test_enqueued_on_commit_the_worker_sees_the_new_rows(celery_worker):
    """A task enqueued on commit finds the person created in the same transaction."""
    key = _key()
    with transaction.atomic():
        newcomer = UserFactory(email="noor@spoke.example", first_name="Noor")
        notification_send_task.delay_on_commit(
            user_id=newcomer.pk, key=key, template=TEMPLATE, context=CONTEXT
        )
        # Sent before the commit, the task would look for a person the worker cannot see
        # yet and send nothing at all.
        time.sleep(0.2)
        assert not mail.outbox
    assert _wait_for(lambda: len(mail.outbox) == 1), "the worker sent nothing"
    assert mail.outbox[0].to == ["noor@spoke.example"]
    assert NotificationLog.objects.filter(key=key).count() == 1
