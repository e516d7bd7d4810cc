"""A learner's attempts through the services: opening one, saving drafts (hostile and
oversized input), submitting (evidence checks, lateness, races) and who may do what."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from assessments import services
from assessments.models import AssignmentWindow, Review, Submission
from cms.models import Platform
from cohorts.models import Enrollment
from tests.concurrency import race, skip_unless_postgresql
from tests.factories import AssignmentFactory, EnrollmentFactory, UserFactory

from .helpers_review import assignment_for, attempt, decided, member, running_cohort

pytestmark = pytest.mark.django_db
Status = Submission.Status
POST_URL = "https://www.linkedin.com/posts/lena-reyes_listening-activity-7260000000000000000-ab12"
REFLECTION = "I read what people said about our trains for ten minutes.\n\nThen I replied."


def png(size=(64, 48), colour="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name="shot.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def save(draft, **kwargs):
    kwargs.setdefault("link_url", POST_URL)
    kwargs.setdefault("reflection", REFLECTION)
    return services.submission_draft_save(submission=draft, by=draft.user, **kwargs)


def complete(draft):
    """Everything the assignment asks for, saved."""
    return save(draft, screenshot=upload(png()))


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Opening an attempt ---------------------------------------------------------------


def test_the_first_visit_creates_a_draft_and_the_next_returns_it(task, cohort, lena):
    """The first call makes attempt 1 as a draft; calling again returns the same row."""
    first = services.submission_current(assignment=task, cohort=cohort, user=lena)
    again = services.submission_current(assignment=task, cohort=cohort, user=lena)
    assert (first.attempt, first.status) == (1, Status.DRAFT)
    assert again.pk == first.pk
    assert Submission.objects.count() == 1


def test_someone_not_enrolled_is_refused(task, cohort, learner):
    """A person without an enrollment in the cohort cannot open an attempt."""
    with pytest.raises(PermissionDenied):
        services.submission_current(assignment=task, cohort=cohort, user=learner)
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "status",
    [Enrollment.Status.WITHDRAWN, Enrollment.Status.WAITLISTED, Enrollment.Status.INVITED],
)
def test_people_without_a_place_are_refused(task, cohort, status):
    """Withdrawn, waitlisted and invited people hold no place, so they do not practise."""
    person = EnrollmentFactory(cohort=cohort, status=status).user
    with pytest.raises(PermissionDenied):
        services.submission_current(assignment=task, cohort=cohort, user=person)
    assert not Submission.objects.exists()


def test_an_assignment_not_open_yet_is_refused(cohort, lena):
    """An assignment after session 2 (in five days) is not open: nothing is created."""
    later = assignment_for(cohort, after_session=2)
    with pytest.raises(ValidationError) as excinfo:
        services.submission_current(assignment=later, cohort=cohort, user=lena)
    assert excinfo.value.code == "not_open"
    assert not Submission.objects.exists()


def test_an_assignment_of_another_course_is_refused(cohort, lena):
    """A cohort id paired with another course's assignment is refused."""
    elsewhere = AssignmentFactory()
    with pytest.raises(PermissionDenied):
        services.submission_current(assignment=elsewhere, cohort=cohort, user=lena)
    assert not Submission.objects.exists()


def test_accepted_work_gets_no_new_attempt(task, cohort, lena, trainer):
    """Once accepted, there is nothing more to do: no new draft."""
    decided(attempt(task, cohort, lena), by=trainer, decision=Review.Decision.ACCEPTED, feedback="")
    with pytest.raises(ValidationError) as excinfo:
        services.submission_current(assignment=task, cohort=cohort, user=lena)
    assert excinfo.value.code == "done"
    assert Submission.objects.count() == 1


def test_after_a_revision_the_next_attempt_starts_from_the_last(task, cohort, lena, trainer):
    """Attempt 2 is a draft holding attempt 1's link, reflection and screenshot."""
    first = services.submission_current(assignment=task, cohort=cohort, user=lena)
    complete(first)
    services.submission_submit(submission=first, by=lena)
    decided(first, by=trainer, feedback="Say what you would do differently.")
    second = services.submission_current(assignment=task, cohort=cohort, user=lena)
    first.refresh_from_db()
    assert (second.attempt, second.status) == (2, Status.DRAFT)
    assert second.pk != first.pk
    assert second.link_url == first.link_url == POST_URL
    assert second.reflection == first.reflection
    assert second.reflection_chars == first.reflection_chars
    assert second.screenshot.name == first.screenshot.name
    assert (second.screenshot_width, second.screenshot_height) == (64, 48)
    assert first.status == Status.NEEDS_REVISION  # the old attempt stays on record


# --- Saving drafts ------------------------------------------------------------------------


HOSTILE = (
    '<p onclick="steal()">Kept text</p><script>alert("x")</script>'
    '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">click</a>'
    '<a href="https://www.linkedin.com/in/lena">my profile</a>'
)


def test_a_hostile_reflection_is_stored_as_the_text_it_is(draft):
    """What looks like markup is kept as plain text, exactly as typed (pages escape it);
    line endings become one kind and the blank space around it is trimmed."""
    save(draft, reflection="\r\n  " + HOSTILE + "\r\n\r\nSecond paragraph.\r\n")
    draft.refresh_from_db()
    assert draft.reflection == HOSTILE + "\n\nSecond paragraph."
    assert draft.reflection_chars == len(HOSTILE + " Second paragraph.")


def test_a_megabyte_reflection_is_refused_and_the_rest_is_kept(draft):
    """1 MB of reflection is refused on its field; the link is saved and the reflection
    stored before stays as it was."""
    save(draft, link_url="", reflection="What I had before.")
    with pytest.raises(ValidationError) as excinfo:
        save(draft, link_url=POST_URL, reflection="<p>" + "a" * 1_000_000 + "</p>")
    errors = field_errors(excinfo)
    assert list(errors) == ["reflection"]
    assert "200000" in errors["reflection"][0]
    draft.refresh_from_db()
    assert draft.link_url == POST_URL
    assert draft.reflection == "What I had before."


def test_a_link_over_the_limit_is_refused_not_cut(draft):
    """A 2,500-character link is refused (never stored cut short); the reflection is saved."""
    save(draft, link_url=POST_URL, reflection="")
    long_link = "https://www.linkedin.com/posts/" + "a" * 2500
    with pytest.raises(ValidationError) as excinfo:
        save(draft, link_url=long_link, reflection=REFLECTION)
    assert list(field_errors(excinfo)) == ["link_url"]
    assert "2000" in field_errors(excinfo)["link_url"][0]
    draft.refresh_from_db()
    assert draft.link_url == POST_URL
    assert draft.reflection == REFLECTION


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a picture at all",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        png()[:60],  # cut short
        b"GIF89a" + b"\x00" * 40,
    ],
    ids=["empty", "text", "svg", "truncated-png", "gif"],
)
def test_a_bad_screenshot_is_refused_and_the_text_is_saved(draft, data):
    """A file that is not a whole PNG, JPEG or WebP is refused on its field; the link and
    reflection typed with it are saved, and no file is stored."""
    with pytest.raises(ValidationError) as excinfo:
        save(draft, screenshot=upload(data))
    assert list(field_errors(excinfo)) == ["screenshot"]
    draft.refresh_from_db()
    assert (draft.link_url, draft.reflection) == (POST_URL, REFLECTION)
    assert not draft.screenshot


def test_a_screenshot_is_stored_under_a_random_name_and_can_be_removed(draft):
    """The learner's file name is not kept; removing clears the file and its size."""
    save(draft, screenshot=upload(png(), name="../../etc/passwd.png"))
    draft.refresh_from_db()
    assert draft.screenshot.name.startswith("screenshots/")
    assert "passwd" not in draft.screenshot.name
    assert (draft.screenshot_width, draft.screenshot_height) == (64, 48)
    save(draft, remove_screenshot=True)
    draft.refresh_from_db()
    assert not draft.screenshot
    assert draft.screenshot_width is None


def test_a_new_screenshot_wins_over_remove(draft):
    """Ticking remove and choosing a new file keeps the new file."""
    save(draft, screenshot=upload(png(size=(20, 20))))
    save(draft, screenshot=upload(png(size=(30, 40))), remove_screenshot=True)
    draft.refresh_from_db()
    assert (draft.screenshot_width, draft.screenshot_height) == (30, 40)


def test_nobody_else_saves_someone_elses_draft(draft, cohort):
    """Another member of the same cohort cannot write into the draft."""
    other = member(cohort)
    with pytest.raises(PermissionDenied):
        services.submission_draft_save(submission=draft, by=other, link_url="https://x.com/a")
    draft.refresh_from_db()
    assert draft.link_url == ""


def test_a_stale_tab_cannot_turn_a_submitted_attempt_back_into_a_draft(draft):
    """Saving from a tab opened before the attempt was submitted is refused, and the
    submitted attempt keeps its status, time and evidence."""
    stale = Submission.objects.get(pk=draft.pk)
    complete(draft)
    services.submission_submit(submission=draft, by=draft.user)
    with pytest.raises(ValidationError) as excinfo:
        save(stale, link_url="https://www.linkedin.com/in/changed", reflection="")
    assert excinfo.value.code == "submitted"
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_at is not None
    assert draft.link_url == POST_URL


# --- Submitting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ({"link_url": ""}, "link_url", "Enter the link to your post or profile."),
        ({"reflection": ""}, "reflection", "Write your reflection."),
        ({"reflection": "Too short."}, "reflection", "at least 40 characters"),
        ({"screenshot": None}, "screenshot", "Add a screenshot."),
    ],
    ids=["link", "reflection", "short-reflection", "screenshot"],
)
def test_missing_evidence_is_named_on_its_field(draft, missing, field, message):
    """Each kind of evidence the assignment asks for is required on submitting."""
    values = {"link_url": POST_URL, "reflection": REFLECTION, "screenshot": upload(png())}
    values.update(missing)
    save(draft, **values)
    with pytest.raises(ValidationError) as excinfo:
        services.submission_submit(submission=draft, by=draft.user)
    errors = field_errors(excinfo)
    assert list(errors) == [field]
    assert message in errors[field][0]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_evidence_the_assignment_does_not_ask_for_is_not_required(cohort, lena):
    """A link-only assignment is submitted with a link and nothing else."""
    task = assignment_for(
        cohort, needs_reflection=False, platforms=[Platform.objects.get(slug="x")]
    )
    draft = services.submission_current(assignment=task, cohort=cohort, user=lena)
    save(draft, link_url="https://x.com/lena/status/1850000000000000000", reflection="")
    submitted = services.submission_submit(submission=draft, by=lena)
    assert submitted.status == Status.SUBMITTED
    assert submitted.platform.slug == "x"


def test_a_link_to_another_platform_names_the_allowed_ones(cohort, lena):
    """The refusal says which platforms the assignment allows."""
    task = assignment_for(
        cohort,
        needs_reflection=False,
        platforms=list(Platform.objects.filter(slug__in=["linkedin", "mastodon"])),
    )
    draft = services.submission_current(assignment=task, cohort=cohort, user=lena)
    save(draft, link_url="https://x.com/lena/status/1850000000000000000", reflection="")
    with pytest.raises(ValidationError) as excinfo:
        services.submission_submit(submission=draft, by=lena)
    message = field_errors(excinfo)["link_url"][0]
    assert "LinkedIn" in message
    assert "Mastodon" in message


def test_a_plain_http_link_is_refused(draft):
    """http:// is refused with a message asking for https://."""
    complete(draft)
    save(draft, link_url=POST_URL.replace("https://", "http://"))
    with pytest.raises(ValidationError) as excinfo:
        services.submission_submit(submission=draft, by=draft.user)
    assert "https://" in field_errors(excinfo)["link_url"][0]


def test_submitting_on_time_records_the_platform_and_the_due_date(draft, cohort, task):
    """An attempt handed in before its due date is not late; the link check is queued."""
    complete(draft)
    submitted = services.submission_submit(submission=draft, by=draft.user)
    assert submitted.status == Status.SUBMITTED
    assert submitted.platform.slug == "linkedin"
    assert submitted.is_late is False
    assert submitted.due_at == cohort.sessions.get(number=2).starts_at
    assert submitted.link_check == Submission.LinkCheck.PENDING
    assert draft.status == Status.SUBMITTED  # the caller's object follows


def test_work_handed_in_after_the_due_date_is_accepted_and_marked_late(draft, cohort, task):
    """Late work is still taken, with ``is_late`` set."""
    complete(draft)
    due = cohort.sessions.get(number=2).starts_at
    submitted = services.submission_submit(
        submission=draft, by=draft.user, now=due + timedelta(minutes=1)
    )
    assert submitted.status == Status.SUBMITTED
    assert submitted.is_late is True


def test_the_link_check_is_queued_after_commit(draft, django_capture_on_commit_callbacks):
    """Submitting schedules one background link check, after the transaction commits."""
    complete(draft)
    with django_capture_on_commit_callbacks() as callbacks:
        services.submission_submit(submission=draft, by=draft.user)
    assert len(callbacks) == 1


def test_submitting_twice_hands_in_once(draft):
    """A second submit from another copy (a second tab, a double click) is refused and
    changes nothing."""
    complete(draft)
    other_tab = Submission.objects.get(pk=draft.pk)
    first = services.submission_submit(submission=draft, by=draft.user)
    with pytest.raises(ValidationError) as excinfo:
        services.submission_submit(submission=other_tab, by=draft.user)
    assert excinfo.value.code == "submitted"
    draft.refresh_from_db()
    assert draft.submitted_at == first.submitted_at


def test_nobody_submits_someone_elses_draft(draft, cohort, trainer):
    """Neither another member nor the cohort's trainer can submit a person's draft."""
    complete(draft)
    for person in (member(cohort), trainer):
        with pytest.raises(PermissionDenied):
            services.submission_submit(submission=draft, by=person)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_someone_who_left_the_cohort_cannot_submit(draft, cohort):
    """A draft started before withdrawing cannot be handed in afterwards."""
    complete(draft)
    Enrollment.objects.filter(cohort=cohort, user=draft.user).update(
        status=Enrollment.Status.WITHDRAWN
    )
    with pytest.raises(PermissionDenied):
        services.submission_submit(submission=draft, by=draft.user)


def test_trainers_dates_decide_lateness(draft, cohort, task):
    """With dates the trainers set, the due date is theirs."""
    now = timezone.now()
    AssignmentWindow.objects.create(
        cohort=cohort,
        assignment=task,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=1),
    )
    complete(draft)
    submitted = services.submission_submit(submission=draft, by=draft.user)
    assert submitted.is_late is True
    assert submitted.due_at == now - timedelta(hours=1)


# --- Real races (PostgreSQL) ----------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submits_at_the_same_moment_hand_in_once():
    """Two threads submit the same draft at once: one succeeds, the other is told it is
    already submitted (the row lock makes them queue)."""
    skip_unless_postgresql()
    trainer = UserFactory()
    cohort = running_cohort(trainers=[trainer])
    task = assignment_for(
        cohort, platforms=[Platform.objects.get(slug="linkedin")], reflection_min_chars=10
    )
    person = member(cohort)
    draft = services.submission_current(assignment=task, cohort=cohort, user=person)
    save(draft)
    copies = [Submission.objects.get(pk=draft.pk) for _ in range(2)]

    def submit(copy):
        services.submission_submit(submission=copy, by=person)

    errors = race(submit, copies)
    assert [getattr(error, "code", None) for error in errors] == ["submitted"]
    assert Submission.objects.filter(status=Status.SUBMITTED).count() == 1
