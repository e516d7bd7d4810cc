"""Fixtures for the practice tests."""

import pytest

from assessments import services
from cms.models import Platform
from tests.conftest import restore_migrated_rows_after_folder

from .helpers_review import assignment_for, member, running_cohort

# The concurrency tests run in real transactions, which empty every table at the end: once
# this folder is done, put back the rows the migrations created.
_restore_migrated_rows = restore_migrated_rows_after_folder()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the services schedule on commit (e-mails) at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# A running cohort with one member and an open assignment that asks for everything: the
# world of the submission services' tests. Modules that need another world define their own
# fixtures of the same names, which take precedence.


@pytest.fixture
def cohort(trainer):
    return running_cohort(trainers=[trainer])


@pytest.fixture
def task(cohort):
    """Open since session 1 ended; asks for a LinkedIn link, a screenshot and a reflection."""
    return assignment_for(
        cohort,
        title="Listen, then reply",
        platforms=[Platform.objects.get(slug="linkedin")],
        needs_screenshot=True,
        reflection_min_chars=40,
    )


@pytest.fixture
def lena(cohort):
    return member(cohort, first_name="Lena")


@pytest.fixture
def draft(task, cohort, lena):
    return services.submission_current(assignment=task, cohort=cohort, user=lena)
