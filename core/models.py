from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A model that knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class NotificationLog(models.Model):
    """One row per message sent: the unique key is what makes sending at most once."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    template = models.CharField(_("template"), max_length=200)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notification sent")
        verbose_name_plural = _("notifications sent")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class DeferredTask(models.Model):
    """A Celery message the broker could not take, kept until it can be sent again.

    Written by ``core.queue.FailSoftTask`` when Redis is down or silent; sent again, oldest
    first, and deleted by ``core.services.deferred_tasks_requeue``.
    """

    task_name = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64)
    args = models.JSONField(_("positional arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    options = models.JSONField(_("options"), default=dict)
    created_at = models.DateTimeField(_("kept since"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("failed attempts to send"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("deferred task")
        verbose_name_plural = _("deferred tasks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task_name}[{self.task_id}]"


class ContentStamp(models.Model):
    """One row whose token changes whenever something every visitor sees alike changes.

    Cached pages, routes and outlines are keyed on the token (``core.pagecache``), so a
    new token makes all of them misses at once, in every process, whatever the cache
    backend: the row lives in the database that every process shares.
    """

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("content stamp")

    def __str__(self) -> str:
        return self.token
