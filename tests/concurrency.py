"""Real races against PostgreSQL row locks, for the tests that need them.

Each thread has its own database connection, so the calls really race. Tests using this
need ``pytest.mark.django_db(transaction=True, serialized_rollback=True)``: threads read
committed rows only, and serialized_rollback puts back the migrated rows (groups, the
Wagtail tree) that the factories need.
"""

import threading

import pytest
from django.db import connection, connections


def skip_unless_postgresql() -> None:
    """Skip the calling test on SQLite, which serialises writers so that nothing races."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers, so nothing races; this test is about PostgreSQL "
            "row locks (run it with DATABASE_URL=postgres://...)"
        )


def race(target, items) -> list:
    """Run ``target(item)`` for every item in its own thread, all released at once; return
    the exceptions raised."""
    barrier = threading.Barrier(len(items))
    errors: list = []

    def run(item):
        try:
            barrier.wait(timeout=30)
            target(item)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return errors
