"""What every benchmark script needs: Django set up on a throw-away database, and a way
to time a call and count its queries.

    from bench.harness import bench_database, measure
    with bench_database("reports") as connection:
        build_company(...)
        measure("heat map", lambda: client.get(url))
"""

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")


def company_options(doc: str, *extra: tuple[tuple, dict]):
    """The command line every benchmark takes (the company's size), and ``extra``
    arguments as (args, kwargs) pairs for ``add_argument``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--competencies", type=int, default=12)
    for args, kwargs in extra:
        parser.add_argument(*args, **kwargs)
    return parser.parse_args()


@contextmanager
def bench_database(name: str) -> Iterator:
    """Set Django up, create a test database of its own (``test_<db>_<name>_bench`` on
    PostgreSQL, so that a test run or another benchmark is never clobbered; SQLite's is
    in memory), and drop it afterwards. Yields the connection."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor != "sqlite":
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_{name}_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


class QueryCounter:
    """Counts the queries run on a connection (without keeping them, so no limit)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(label: str, call: Callable, *, repeat: int = 3, width: int = 52):
    """Print the best time of ``repeat`` calls and the queries of one; return its result."""
    from django.db import connection

    timings, result, queries = [], None, 0
    for _ in range(repeat):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            begin = time.perf_counter()
            result = call()
            timings.append(time.perf_counter() - begin)
        queries = counter.count
    print(f"{label:{width}} {min(timings) * 1000:9.0f} {queries:8d}")
    return result


def header(first: str = "what", width: int = 52) -> None:
    print(f"\n{first:{width}} {'ms':>9} {'queries':>8}")
