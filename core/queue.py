"""Enqueueing that never fails a request: the Celery task class of the whole project.

Every task of the project is a ``FailSoftTask`` (``lms/celery.py`` sets it as the app's
task class), so ``task.delay()``, ``task.delay_on_commit()`` and ``task.apply_async()``
go through ``apply_async`` here. When the broker cannot take a message (Redis down, or
accepting connections and never answering), the call does not raise and does not hang:

- the broker's socket time-outs and a short publish retry policy (settings) bound the wait;
- the message is written to the database instead (``core.models.DeferredTask``) and the
  call returns as if it had been sent, with the same task id;
- a circuit breaker sends the next few seconds' messages straight to the database, so
  one outage costs one request the time-out, not every request;
- periodic messages from Celery beat are the exception: beat logs the failure and sends
  them again at its next tick, so they are not kept;
- deferred messages are sent again, oldest first, by ``deferred_tasks_requeue``: every
  minute by Celery beat, after the first message that gets through once the broker is
  back, and by ``manage.py requeue_deferred_tasks``.

Why record and re-queue rather than run the work in the request: the work is what a worker
should do (a link check waits on a stranger's web server; an export or a roster sync can
take long), a worker gives it its retries and time limits, and nothing is lost if the web
process dies before it would have finished. Tasks are idempotent (sends are guarded by the
send log, checks and builds look at the current state), so a message re-sent twice does
no harm.

With tasks run in-process (``task_always_eager``, the embedded default) nothing changes.

Nothing here imports models at module level: the Celery app loads this class while Django
may still be starting.
"""

import logging
import socket

from celery.contrib.django.task import DjangoTask

from .resilience import CircuitBreaker, OutageLog

logger = logging.getLogger(__name__)

BREAKER_COOLDOWN = 10.0  # seconds during which messages go straight to the database
REQUEUE_TASK = "core.tasks.deferred_tasks_requeue_task"
# apply_async options that can be stored as JSON and given back when re-sending.
NOT_TRIED = "not tried: the broker failed moments ago"
KEPT_OPTIONS = ("queue", "routing_key", "priority", "countdown")

broker_breaker = CircuitBreaker(cooldown=BREAKER_COOLDOWN)
outage_log = OutageLog(logger, what="Celery broker", interval=60.0)


def broker_errors() -> tuple[type[BaseException], ...]:
    """What a broker that is down or silent raises when a message is sent."""
    import kombu.exceptions
    import redis

    return (
        kombu.exceptions.OperationalError,
        redis.RedisError,
        OSError,  # ConnectionError, socket errors
        socket.timeout,
        TimeoutError,
    )


class FailSoftTask(DjangoTask):
    """A Django-aware Celery task whose messages are kept when the broker cannot take them."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        if self._get_app().conf.task_always_eager or _from_beat(options):
            # Beat's periodic messages are not kept: beat logs the failure and the next
            # tick sends them again (keeping them would pile up one per tick).
            return super().apply_async(args, kwargs, task_id, producer, **options)
        error: BaseException | None = None
        if broker_breaker.allow():
            try:
                result = super().apply_async(args, kwargs, task_id, producer, **options)
            except broker_errors() as exc:
                error = exc
                broker_breaker.record_failure()
                outage_log.failure(exc, consequence="messages are kept in the database")
            else:
                if broker_breaker.record_success():
                    outage_log.recovered()
                    if self.name != REQUEUE_TASK:
                        _requeue_soon(self.app)
                return result
        return self.defer(args, kwargs, task_id=task_id, options=options, error=error)

    def publish(self, args=None, kwargs=None, task_id=None, **options):
        """Send to the broker and raise if it cannot take the message (no deferral)."""
        return super().apply_async(args, kwargs, task_id, **options)

    def defer(self, args, kwargs, *, task_id, options, error):
        """Keep the message in the database; returns the result handle a send would have."""
        from celery.utils import uuid

        from .services import deferred_task_record

        task_id = task_id or uuid()
        kept = {
            key: options[key]
            for key in KEPT_OPTIONS
            if isinstance(options.get(key), str | int | float)
        }
        try:
            deferred_task_record(
                task_name=self.name,
                task_id=task_id,
                args=list(args or ()),
                kwargs=dict(kwargs or {}),
                options=kept,
                error=f"{type(error).__name__}: {error}" if error else NOT_TRIED,
            )
        except Exception:
            # The database is gone too: say exactly what was not sent, and let the request
            # finish; what the person submitted is saved already (this runs after commit).
            logger.exception(
                "Could not send or keep task %s[%s] args=%r kwargs=%r",
                self.name,
                task_id,
                args,
                kwargs,
            )
        return self.AsyncResult(task_id)


def _from_beat(options: dict) -> bool:
    headers = options.get("headers") or {}
    return bool(headers.get("celery_beat_task"))


def _requeue_soon(app) -> None:
    """Ask a worker to send what was kept, now that the broker takes messages again."""
    from .models import DeferredTask

    try:
        if not DeferredTask.objects.exists():
            return
        app.tasks[REQUEUE_TASK].apply_async()
    except Exception:
        logger.exception("Could not ask for deferred tasks to be sent again")
