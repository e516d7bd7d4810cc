"""Writes that every app shares."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .mail import render_plain_text, render_subject
from .models import DeferredTask, NotificationLog

logger = logging.getLogger(__name__)


def notification_render(*, template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``.

    The subject and the text are plain text (not HTML-escaped); the HTML part is escaped.
    """
    subject = render_subject(f"{template}_subject.txt", context)
    text = render_plain_text(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def notification_send(*, user, key: str, template: str, context: dict[str, Any]) -> bool:
    """Send ``template`` to ``user`` by e-mail, at most once for ``key``.

    The key is claimed in the send log before anything leaves; a second call with the same
    key (a retried task, a scan that ran twice, a concurrent worker) finds the claim and
    sends nothing. If sending fails the claim is released so that a retry can send.
    Returns whether this call sent the message.
    """
    if not user.email or not user.is_active or user.email.endswith(".invalid"):
        return False  # ".invalid" (RFC 2606) is never delivered: an erased person's address
    context = {"user": user, "site_url": settings.WAGTAILADMIN_BASE_URL, **context}
    subject, text, html = notification_render(template=template, context=context)
    try:
        with transaction.atomic():
            entry = NotificationLog.objects.create(key=key[:255], user=user, template=template)
    except IntegrityError:
        logger.info("notification %s already sent; skipped", key)
        return False
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        entry.delete()
        raise
    return True


def deferred_task_record(
    *, task_name: str, task_id: str, args: list, kwargs: dict, options: dict, error: str
) -> DeferredTask:
    """Keep a message the broker could not take, to be sent again later."""
    return DeferredTask.objects.create(
        task_name=task_name,
        task_id=task_id,
        args=args,
        kwargs=kwargs,
        options=options,
        attempts=1,
        last_error=error[:500],
    )


def deferred_tasks_requeue(*, limit: int = 500) -> int:
    """Send the kept messages again, oldest first; returns how many were sent.

    Stops at the first one the broker refuses (it is still down: the rest wait for the next
    run). A message whose task no longer exists stays, with the reason, for an operator.
    Rows are locked while they are sent (skipped by a concurrent run on PostgreSQL), and
    each is deleted once sent; tasks are idempotent, so a message sent twice after a crash
    between the two is harmless.
    """
    from celery import current_app

    from .queue import broker_errors

    sent = 0
    with transaction.atomic():
        rows = DeferredTask.objects.select_for_update(skip_locked=True).order_by("pk")[:limit]
        for row in rows:
            task = current_app.tasks.get(row.task_name)
            if task is None or not hasattr(task, "publish"):
                _deferred_task_failed(row, f"unknown task {row.task_name}")
                continue
            try:
                task.publish(row.args, row.kwargs, task_id=row.task_id, **row.options)
            except broker_errors() as exc:
                _deferred_task_failed(row, f"{type(exc).__name__}: {exc}")
                break
            row.delete()
            sent += 1
    if sent:
        logger.info("Sent %d deferred task(s) to the broker", sent)
    return sent


def _deferred_task_failed(row: DeferredTask, error: str) -> None:
    row.attempts += 1
    row.last_error = error[:500]
    row.save(update_fields=["attempts", "last_error"])
    logger.warning("Deferred task %s not sent: %s", row, error)
