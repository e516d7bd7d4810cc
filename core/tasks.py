"""Background work for core: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from .services import deferred_tasks_requeue, notification_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_send_task(*, user_id: int, key: str, template: str, context: dict) -> bool:
    """Send one notification at most once; safe to retry and to run twice."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return False
    return notification_send(user=user, key=key, template=template, context=context)


@shared_task
def deferred_tasks_requeue_task() -> int:
    """Send again the messages kept while the broker was unavailable."""
    return deferred_tasks_requeue()


def notify_after_commit(
    *, user_id: int, key: str, template: str, context: dict, on_commit: bool = True
) -> None:
    """Send ``template`` to the person once the current transaction commits (or at once
    with ``on_commit=False``, when nothing was written to wait for), at most once for
    ``key``. The one way services send a person a message."""
    send = notification_send_task.delay_on_commit if on_commit else notification_send_task.delay
    send(user_id=user_id, key=key, template=template, context=context)
