"""Helpers about the SQL a request runs."""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def no_writes():
    """Fail if the block runs an INSERT, UPDATE or DELETE (a GET must only read)."""
    with CaptureQueriesContext(connection) as queries:
        yield queries
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(WRITE_VERBS)
    ]
    assert writes == [], f"{len(writes)} writes: {writes}"
