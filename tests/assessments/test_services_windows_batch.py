"""A cohort's dates form saved at once: every row or none (``assignment_windows_save``)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import AssignmentWindow
from assessments.services import WindowChange, WindowRowsError, assignment_windows_save

from .helpers_review import assignment_for, running_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(trainer):
    return running_cohort(trainers=[trainer])


def test_every_row_is_saved_and_counted(trainer, mine):
    """Two rows set, one left alone: two changes, two windows."""
    first, second, third = (assignment_for(mine, title=f"Task {n}") for n in range(3))
    opens = timezone.now().replace(microsecond=0) + timedelta(days=1)
    changed = assignment_windows_save(
        cohort=mine,
        by=trainer,
        changes=[
            WindowChange(first, "set", opens, opens + timedelta(days=2)),
            WindowChange(second, "set", opens, opens + timedelta(days=3)),
            WindowChange(third),
        ],
    )
    assert changed == 2
    assert AssignmentWindow.objects.filter(cohort=mine).count() == 2


def test_one_refused_row_saves_nothing_and_is_named(trainer, mine):
    """A due date before the opening date refuses its row and rolls back the others."""
    first, second = assignment_for(mine, title="One"), assignment_for(mine, title="Two")
    opens = timezone.now().replace(microsecond=0) + timedelta(days=1)
    with pytest.raises(WindowRowsError) as refusal:
        assignment_windows_save(
            cohort=mine,
            by=trainer,
            changes=[
                WindowChange(first, "set", opens, opens + timedelta(days=2)),
                WindowChange(second, "set", opens, opens - timedelta(days=2)),
            ],
        )
    assert list(refusal.value.rows) == [1]
    assert not AssignmentWindow.objects.exists()


def test_someone_else_is_refused_on_every_row(mine, learner):
    """A learner changes no dates: each row says so and nothing is saved."""
    task = assignment_for(mine, title="One")
    opens = timezone.now()
    with pytest.raises(WindowRowsError) as refusal:
        assignment_windows_save(
            cohort=mine,
            by=learner,
            changes=[WindowChange(task, "set", opens, opens + timedelta(days=1))],
        )
    assert isinstance(refusal.value.rows[0], PermissionDenied)
    assert not AssignmentWindow.objects.exists()
