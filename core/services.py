"""Writes that every app shares."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .mail import render_plain_text, render_subject
from .models import NotificationLog

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
    if not user.email or not user.is_active:
        return False
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
