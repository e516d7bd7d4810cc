"""A real Celery worker on a real Redis, in a thread of the test process.

The worker shares the process with the test, so it sees the same settings, the same test
database (committed rows only: use ``transactional_db``) and the same ``mail.outbox``.
Redis comes from REDIS_URL, or redis://127.0.0.1:6379/15 when it is unset. Each test
session uses a queue of its own, so runs that share a Redis never take each other's tasks.
"""

import os
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import connections

from lms.celery import app as celery_app
from tests.conftest import (
    forget_celery_connections,
    require_service,
    restore_migrated_rows_after_folder,
)

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
QUEUE = f"spoke-integration-{uuid.uuid4().hex[:12]}"

# What the test changes on the app, and nothing else: the real broker, results (so a test
# can wait for its task), tasks sent to workers, and a worker that leaves logging alone.
WORKER_CONF = {
    "broker_url": REDIS_URL,
    "result_backend": REDIS_URL,
    "task_always_eager": False,
    "task_default_queue": QUEUE,
    "worker_hijack_root_logger": False,
    "worker_enable_remote_control": False,
    "broker_connection_retry_on_startup": False,
    "broker_connection_max_retries": 1,
}


# Once this folder's tests are done (the worker reads what they commit, so they run in
# real transactions), put back the rows the migrations created.
_restore_migrated_rows = restore_migrated_rows_after_folder()


def redis_reachable(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture
def celery_worker(transactional_db):
    """A worker consuming this session's queue on the real Redis; yields the Celery app.

    The app's configuration is restored afterwards, so every other test runs tasks eagerly.
    """
    require_service(redis_reachable(REDIS_URL), f"Redis is not reachable at {REDIS_URL}")
    saved = {key: celery_app.conf[key] for key in WORKER_CONF}
    celery_app.conf.update(WORKER_CONF)
    forget_celery_connections(celery_app)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=20,
            queues=[QUEUE],
        ):
            yield celery_app
    finally:
        celery_app.conf.update(saved)
        forget_celery_connections(celery_app)
        celery_app.set_current()
        celery_app.set_default()
        _purge_queue()
        # The worker thread closes its own connections after each task; this is for the
        # main thread, whose connection the worker's Django fixup may have closed.
        connections.close_all()


def _purge_queue() -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.delete(QUEUE)
    except redis.RedisError:
        pass
    finally:
        client.close()
