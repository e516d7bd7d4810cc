"""Fixtures for the cohort tests: a cohort, its trainer, and a way to run on-commit work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from people import roles
from tests.conftest import restore_migrated_rows_after_folder
from tests.factories import CohortFactory, UserFactory, add_role

# The concurrency tests run in real transactions, which empty every table at the end: once
# this folder is done, put back the rows the migrations created.
_restore_migrated_rows = restore_migrated_rows_after_folder()


@pytest.fixture
def cohort_trainer(db):
    return add_role(
        UserFactory(email="coach@spoke.example", first_name="Cora", last_name="Coach"),
        roles.TRAINER,
    )


@pytest.fixture
def cohort(cohort_trainer):
    """A published, open cohort with five places, run by ``cohort_trainer``."""
    return CohortFactory(name="Listening 101 · spring", trainers=[cohort_trainer])


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the services schedule on commit (e-mails) at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def soon():
    """A moment a week from now, on the hour."""
    return (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)


def people(count: int, **kwargs) -> list:
    return [UserFactory(**kwargs) for _ in range(count)]
