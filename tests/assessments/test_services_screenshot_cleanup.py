"""Screenshots nobody needs leave the storage: replaced or removed ones once the draft is
saved, those of drafts untouched for the retention period, and files no attempt names."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Submission

from .helpers_review import decided, member
from .test_services_submissions import complete, png, save, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage():
    """The screenshots' storage, emptied of what earlier tests left."""
    storage = Submission._meta.get_field("screenshot").storage
    for name in stored(storage):
        storage.delete(name)
    return storage


def stored(storage) -> set[str]:
    try:
        _folders, files = storage.listdir("screenshots")
    except FileNotFoundError:
        return set()
    return {f"screenshots/{name}" for name in files}


def test_ten_saves_with_a_new_screenshot_leave_one_file(storage, draft, committed):
    """Each new screenshot replaces the last: after ten saves one file is stored, the one
    the draft names."""
    for number in range(10):
        with committed():
            save(draft, screenshot=upload(png(colour=(number * 20, 0, 0))))
    draft.refresh_from_db()
    assert stored(storage) == {draft.screenshot.name}


def test_removing_the_screenshot_deletes_its_file(storage, draft, committed):
    """Removing the screenshot leaves no file behind."""
    with committed():
        complete(draft)
    assert len(stored(storage)) == 1
    with committed():
        save(draft, remove_screenshot=True)
    assert stored(storage) == set()


def test_the_file_goes_only_once_the_save_commits(
    storage, draft, django_capture_on_commit_callbacks
):
    """Until the transaction commits the old file stays (a rolled-back save keeps it)."""
    with django_capture_on_commit_callbacks(execute=True):
        complete(draft)
    old = Submission.objects.get(pk=draft.pk).screenshot.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save(draft, remove_screenshot=True)
    assert old in stored(storage)
    assert len(callbacks) == 1


def test_saving_other_fields_keeps_the_screenshot(storage, draft, committed):
    """A save without a new screenshot or a removal deletes nothing."""
    with committed():
        complete(draft)
    with committed():
        save(draft, reflection="<p>Something else entirely, and longer than before.</p>")
    draft.refresh_from_db()
    assert stored(storage) == {draft.screenshot.name}


def test_an_earlier_attempts_screenshot_survives_the_next_attempts_changes(
    storage, task, cohort, lena, trainer, committed
):
    """Attempt 2 starts with attempt 1's screenshot; replacing it, then removing the new
    one, never deletes the file attempt 1 (handed in and reviewed) still shows."""
    first = services.submission_current(assignment=task, cohort=cohort, user=lena)
    with committed():
        complete(first)
    services.submission_submit(submission=first, by=lena)
    decided(first, by=trainer, feedback="Show the reply too.")
    kept = Submission.objects.get(pk=first.pk).screenshot.name
    second = services.submission_current(assignment=task, cohort=cohort, user=lena)
    assert second.screenshot.name == kept

    with committed():
        save(second, screenshot=upload(png(colour="red")))
    second.refresh_from_db()
    assert stored(storage) == {kept, second.screenshot.name}
    with committed():
        save(second, remove_screenshot=True)
    assert stored(storage) == {kept}
    with Submission.objects.get(pk=first.pk).screenshot.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def _age(submission: Submission, days: float) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        updated_at=timezone.now() - timedelta(days=days)
    )


def test_the_retention_task_takes_only_stale_drafts_screenshots(
    storage, task, cohort, lena, trainer, committed, settings
):
    """Drafts untouched for more than 30 days lose their screenshot (and only that); a
    fresher draft, a handed-in attempt and a file still named by an earlier attempt stay."""
    settings.SPOKE_DRAFT_SCREENSHOT_RETENTION_DAYS = 30
    # Lena: attempt 1 handed in and sent back, attempt 2 a stale draft sharing its file.
    first = services.submission_current(assignment=task, cohort=cohort, user=lena)
    with committed():
        complete(first)
    services.submission_submit(submission=first, by=lena)
    decided(first, by=trainer, feedback="Again, please.")
    shared = services.submission_current(assignment=task, cohort=cohort, user=lena)
    # Max: a stale draft with its own screenshot. Nora: a draft saved 29 days ago.
    # Omar: handed in long ago (waiting for review).
    drafts = {}
    for name in ("Max", "Nora", "Omar"):
        person = member(cohort, first_name=name)
        drafts[name] = services.submission_current(assignment=task, cohort=cohort, user=person)
        with committed():
            complete(drafts[name])
    services.submission_submit(submission=drafts["Omar"], by=drafts["Omar"].user)
    for submission, days in ((shared, 45), (drafts["Max"], 31), (drafts["Nora"], 29),
                             (drafts["Omar"], 90), (first, 90)):  # fmt: skip
        _age(submission, days)
    before = stored(storage)
    max_file = Submission.objects.get(pk=drafts["Max"].pk).screenshot.name

    report = services.screenshots_clean()

    assert report.drafts == 2  # Lena's attempt 2 and Max's draft
    assert stored(storage) == before - {max_file}
    rows = {s.pk: s for s in Submission.objects.all()}
    assert not rows[shared.pk].screenshot
    assert not rows[drafts["Max"].pk].screenshot
    assert rows[drafts["Max"].pk].screenshot_width is None
    assert rows[drafts["Max"].pk].reflection  # the rest of the draft stays
    assert rows[drafts["Max"].pk].updated_at < timezone.now() - timedelta(days=30)
    assert rows[drafts["Nora"].pk].screenshot
    assert rows[drafts["Omar"].pk].screenshot
    assert rows[first.pk].screenshot.name in stored(storage)


def test_files_no_attempt_names_go_after_the_grace_period(storage, draft, committed, settings):
    """A file in the screenshots folder that no row names is deleted once older than the
    grace period; a younger one (an upload being saved) and named ones stay."""
    settings.SPOKE_PRIVATE_ORPHAN_GRACE_HOURS = 24
    with committed():
        complete(draft)
    named = Submission.objects.get(pk=draft.pk).screenshot.name
    old_orphan = storage.save("screenshots/old-orphan.png", upload(png()))
    young_orphan = storage.save("screenshots/young-orphan.png", upload(png()))
    nested = storage.save("screenshots/2026/old-nested.png", upload(png()))

    real_time = storage.get_modified_time
    ages = {old_orphan: 25, nested: 48, young_orphan: 1, named: 100}

    def modified(name):
        hours = ages.get(name)
        return timezone.now() - timedelta(hours=hours) if hours else real_time(name)

    storage.get_modified_time = modified
    try:
        report = services.screenshots_clean()
    finally:
        del storage.get_modified_time
    assert report.files == 2
    assert stored(storage) == {named, young_orphan}
    assert not storage.exists(nested)


def test_the_clean_up_is_a_nightly_beat_task(settings):
    """Beat runs the clean-up task, which calls the service."""
    from assessments import tasks

    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "assessments.tasks.screenshots_clean"
    ]
    assert len(entries) == 1
    assert tasks.screenshots_clean.name == "assessments.tasks.screenshots_clean"


def test_nobody_elses_file_is_touched_by_a_save(storage, draft, cohort, task, committed):
    """Saving a draft deletes only the file that draft let go of."""
    other = services.submission_current(
        assignment=task, cohort=cohort, user=member(cohort, first_name="Omar")
    )
    with committed():
        complete(other)
    with committed():
        complete(draft)
    with committed():
        save(draft, remove_screenshot=True)
    assert stored(storage) == {Submission.objects.get(pk=other.pk).screenshot.name}
