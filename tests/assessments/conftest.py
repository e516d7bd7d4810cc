"""Fixtures for the practice tests."""

import pytest

from tests.conftest import reload_migrated_rows


@pytest.fixture(scope="package", autouse=True)
def _restore_migrated_rows(django_db_setup, django_db_blocker):
    """The concurrency tests run in real transactions, which empty every table at the end:
    once this folder is done, put back the rows the migrations created."""
    yield
    with django_db_blocker.unblock():
        reload_migrated_rows()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the services schedule on commit (e-mails) at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
