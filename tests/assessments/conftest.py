"""Fixtures for the practice tests."""

import pytest

from tests.conftest import restore_migrated_rows_after_folder

# The concurrency tests run in real transactions, which empty every table at the end: once
# this folder is done, put back the rows the migrations created.
_restore_migrated_rows = restore_migrated_rows_after_folder()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the services schedule on commit (e-mails) at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
