"""Fixtures shared by the whole suite: one person per role."""

import contextlib
import os

import kombu.pools
import pytest
from django.db import connections

from people import roles
from people.models import User
from tests.factories import UserFactory, add_role
from tests.factories.people import PASSWORD

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, reason: str) -> None:
    """Skip outside CI when a service is missing; fail in CI, where it must be there."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


def reload_migrated_rows() -> None:
    """Put back the rows the migrations created (role groups, the Wagtail tree, platforms).

    Tests that run in real transactions (a live server, a Celery worker) end by emptying
    every table, and ``serialized_rollback`` refills them only for the next such test. A
    folder of such tests calls this once it is done, so the tests after it find the rows.
    """
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


def restore_migrated_rows_after_folder():
    """A package-scoped fixture for a folder's conftest.py (``_restore_migrated_rows =
    restore_migrated_rows_after_folder()``): once the folder's tests are done, it puts back
    the rows the migrations created, which its tests in real transactions emptied."""

    @pytest.fixture(scope="package", autouse=True)
    def restore(django_db_setup, django_db_blocker):
        yield
        with django_db_blocker.unblock():
            reload_migrated_rows()

    return restore


def forget_celery_connections(app) -> None:
    """Drop what the app cached from its configuration: broker pool, producers, result
    backend and queues, so that they are built again from the current ``app.conf``."""
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()  # closes the pooled broker connections and forgets the pools
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend
    for name in ("queues", "default_queue", "default_exchange", "router"):
        app.amqp.__dict__.pop(name, None)
    app.amqp._rtable = None


@contextlib.contextmanager
def celery_sending_to(url: str, **conf):
    """Send tasks to the broker at ``url`` (not in-process) inside the block; the app's
    configuration, its connections and the enqueue circuit breaker are restored after."""
    from core import queue
    from lms.celery import app

    changes = {"broker_url": url, "task_always_eager": False, **conf}
    # app.conf reads Django's settings live beneath its own layer of changes, so restore that
    # layer as it was: saving the values read here would pin whatever a test's ``settings``
    # fixture had set at the time, long after the fixture put the setting back.
    layer = app.conf.changes
    saved = {key: layer[key] for key in changes if key in layer}
    app.conf.update(changes)
    forget_celery_connections(app)
    queue.broker_breaker.record_success()
    queue.outage_log.reset()
    try:
        yield app
    finally:
        for key in changes:
            layer.pop(key, None)
        app.conf.update(saved)
        forget_celery_connections(app)
        queue.broker_breaker.record_success()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database goes back after each test, and
    with it the content stamp that keys cached pages and outlines (core.pagecache), so a
    value cached by one test must not answer in the next."""
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # a cache that is down is as good as empty
        cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def learner(db):
    return UserFactory(email="learner@spoke.example", first_name="Lena", last_name="Learner")


@pytest.fixture
def manager(db):
    return UserFactory(
        email="manager@spoke.example", first_name="Max", last_name="Manager", role=User.Role.MANAGER
    )


@pytest.fixture
def trainer(db):
    return add_role(
        UserFactory(email="trainer@spoke.example", first_name="Tara", last_name="Trainer"),
        roles.TRAINER,
    )


@pytest.fixture
def hr(db):
    return add_role(
        UserFactory(email="hr@spoke.example", first_name="Hana", last_name="HR"), roles.HR
    )


@pytest.fixture
def lead(db):
    return add_role(
        UserFactory(email="lead@spoke.example", first_name="Leo", last_name="Lead"),
        roles.ADVOCACY_LEAD,
    )


@pytest.fixture
def site_admin(db):
    return UserFactory(
        email="admin@spoke.example",
        first_name="Ada",
        last_name="Admin",
        is_superuser=True,
        is_staff=True,
    )


ROLE_FIXTURES = ["learner", "manager", "trainer", "hr", "lead", "site_admin"]


@pytest.fixture(params=ROLE_FIXTURES)
def any_person(request, db):
    """Each role in turn."""
    return request.getfixturevalue(request.param)
