"""notification_send: one e-mail per key, however often it is asked."""

from unittest import mock

import pytest
from django.core import mail

from core.models import NotificationLog
from core.services import notification_send
from core.tasks import notification_send_task
from tests.factories import UserFactory

NOTICE = {"headline": "Your cohort starts tomorrow", "message": "See you at 10:00."}


@pytest.fixture
def person(db):
    return UserFactory(email="ines@spoke.example", first_name="Ines")


def test_sends_text_and_html_once(person):
    """The first call sends one mail with a text and an HTML part, to the person."""
    assert notification_send(user=person, key="k-1", template="core/email/notice", context=NOTICE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@spoke.example"]
    assert message.subject == "Your cohort starts tomorrow"
    assert "Hello Ines" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert "See you at 10:00." in message.alternatives[0].content


def test_repeated_key_sends_nothing_more(person):
    """A second, third call with the same key is a no-op that says so."""
    for _ in range(3):
        notification_send(user=person, key="k-1", template="core/email/notice", context=NOTICE)
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(key="k-1").count() == 1


def test_different_keys_send_separately(person):
    """Each key is its own message."""
    notification_send(user=person, key="a", template="core/email/notice", context=NOTICE)
    notification_send(user=person, key="b", template="core/email/notice", context=NOTICE)
    assert len(mail.outbox) == 2


def test_failed_send_releases_the_key(person):
    """When the mail server fails, the claim is released so a retry can send."""
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")),
        pytest.raises(OSError, match="down"),
    ):
        notification_send(user=person, key="k-2", template="core/email/notice", context=NOTICE)
    assert not NotificationLog.objects.filter(key="k-2").exists()
    assert notification_send(user=person, key="k-2", template="core/email/notice", context=NOTICE)
    assert len(mail.outbox) == 1


def test_inactive_person_gets_nothing(person):
    """Deactivated accounts are not written to."""
    person.is_active = False
    person.save()
    assert not notification_send(user=person, key="k", template="core/email/notice", context=NOTICE)
    assert mail.outbox == []


def test_context_cannot_inject_headers(person):
    """A line break in a subject cannot add mail headers: it is folded away."""
    context = {**NOTICE, "headline": "Hi\nBcc: victim@example.com"}
    notification_send(user=person, key="k-3", template="core/email/notice", context=context)
    assert mail.outbox[0].subject == "Hi Bcc: victim@example.com"
    assert "victim@example.com" not in mail.outbox[0].bcc


def test_task_sends_once_when_run_twice(person):
    """The Celery task is a thin wrapper: running it twice still sends once."""
    kwargs = {"user_id": person.pk, "key": "task-1", "template": "core/email/notice",
              "context": NOTICE}  # fmt: skip
    assert notification_send_task.delay(**kwargs).get() is True
    assert notification_send_task.delay(**kwargs).get() is False
    assert len(mail.outbox) == 1


def test_task_for_deleted_person_does_nothing(db):
    """A person deleted before the task ran is skipped quietly."""
    result = notification_send_task.delay(
        user_id=987654, key="gone", template="core/email/notice", context=NOTICE
    )
    assert result.get() is False
    assert mail.outbox == []
