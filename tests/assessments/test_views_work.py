"""The work page (one assignment in one cohort) and the screenshot view: who may open
them, what they show, saving and submitting through the form, and hostile input from the
shared corpus coming back as typed with a clear message."""

import io
import re
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from assessments import evidence, services
from assessments.models import AssignmentWindow, Review, Submission
from cms.models import Platform
from cohorts.models import Enrollment
from people import roles
from people.models import zone_or_utc
from tests.factories import AssignmentFactory, EnrollmentFactory, UserFactory, add_role
from tests.queries import no_writes

from .helpers_review import assignment_for, attempt, decided, member, running_cohort

pytestmark = pytest.mark.django_db
Status = Submission.Status
CORPUS = Path(__file__).parent / "corpus"
POST_URL = "https://www.linkedin.com/posts/lena-reyes_listening-activity-7260000000000000000-ab12"
REFLECTION = "I read what people said about our trains for ten minutes.\n\nThen I replied."
CHOOSE_AGAIN = "Choose the file again"


def png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(data: bytes, name="shot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def cohort(trainer):
    return running_cohort(trainers=[trainer], name="Listening at Kestrel Rail")


@pytest.fixture
def task(cohort):
    """Open since session 1 ended; asks for a LinkedIn or X link, a screenshot and a
    reflection of at least 40 characters."""
    return assignment_for(
        cohort,
        title="Listen, then reply",
        instructions="<p>Spend <b>ten minutes</b> listening first.</p>",
        platforms=list(Platform.objects.filter(slug__in=["linkedin", "x"])),
        needs_screenshot=True,
        reflection_min_chars=40,
    )


@pytest.fixture
def lena(cohort):
    return member(cohort, first_name="Lena", time_zone="America/New_York")


def work_url(cohort, task) -> str:
    return reverse("assessments:work", args=[cohort.pk, task.pk])


def shot_url(submission) -> str:
    return reverse("assessments:screenshot", args=[submission.pk])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post(client, cohort, task, action="save", **data):
    data.setdefault("link_url", POST_URL)
    data.setdefault("reflection", REFLECTION)
    if action == "submit":
        data.setdefault("confirm_final", "on")  # the tick that makes an attempt final
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(work_url(cohort, task), {**data, "action": action})


def current(task, cohort, user) -> Submission:
    return Submission.objects.get(
        assignment=task, cohort=cohort, user=user, status__in=Submission.OPEN
    )


def with_screenshot(task, cohort, user) -> Submission:
    draft = services.submission_current(assignment=task, cohort=cohort, user=user)
    return services.submission_draft_save(
        submission=draft,
        by=user,
        link_url=POST_URL,
        reflection=REFLECTION,
        screenshot=upload(png(size=(640, 480))),
    )


# --- Who may open the work page ---------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, cohort, task):
    """Logging in comes first; nothing is created."""
    response = client.get(work_url(cohort, task))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert not Submission.objects.exists()


def test_a_member_gets_the_page_and_an_empty_form(client, cohort, task, lena):
    """Someone holding a place sees the assignment and an empty form; nothing is created
    until they save."""
    client.force_login(lena)
    response = client.get(work_url(cohort, task))
    assert response.status_code == HTTPStatus.OK
    assert not Submission.objects.exists()
    assert response.context["form"]["link_url"].value() in (None, "")
    html = response.content.decode()
    assert "Listen, then reply" in html
    assert 'name="link_url"' in html
    assert 'value="submit"' in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "who", ["learner", "other_member", "trainer", "other_trainer", "hr", "site_admin"]
)
def test_nobody_without_a_place_sees_the_page(client, request, cohort, task, who):
    """Outsiders, trainers, HR and admins get a 404 (a trainer reviews in the admin) and no
    draft is made for them; a member of another cohort cannot tell the assignment exists."""
    if who == "other_member":
        person = member(running_cohort(name="Other cohort"))
    elif who == "other_trainer":
        person = add_role(UserFactory(), roles.TRAINER)
        running_cohort(trainers=[person], name="Someone else's")
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)
    response = client.get(work_url(cohort, task))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Listen, then reply" not in response.content
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "status",
    [Enrollment.Status.WITHDRAWN, Enrollment.Status.WAITLISTED, Enrollment.Status.INVITED],
)
def test_people_without_a_place_get_404(client, cohort, task, status):
    """Withdrawn, waitlisted and invited people do not practise in the cohort."""
    person = EnrollmentFactory(cohort=cohort, status=status).user
    client.force_login(person)
    assert client.get(work_url(cohort, task)).status_code == HTTPStatus.NOT_FOUND
    assert post(client, cohort, task).status_code == HTTPStatus.NOT_FOUND
    assert not Submission.objects.exists()


def test_a_cohort_paired_with_another_courses_assignment_is_404(client, cohort, lena):
    """Changing the assignment id to one of another course finds nothing."""
    elsewhere = AssignmentFactory(title="Elsewhere")
    client.force_login(lena)
    response = client.get(work_url(cohort, elsewhere))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Elsewhere" not in response.content


def test_ids_that_do_not_exist_are_404(client, cohort, task, lena):
    client.force_login(lena)
    assert client.get(work_url(cohort, task).replace(f"/{task.pk}/", "/999999/")).status_code == (
        HTTPStatus.NOT_FOUND
    )
    assert client.get(reverse("assessments:work", args=[999999, task.pk])).status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_a_cancelled_cohorts_work_is_404(client, cohort, task, lena):
    cohort.cancelled_at = timezone.now()
    cohort.save()
    client.force_login(lena)
    assert client.get(work_url(cohort, task)).status_code == HTTPStatus.NOT_FOUND


def test_an_assignment_not_open_yet_says_when_it_opens(client, cohort, lena):
    """Members see when it opens, in their time zone, and no draft is made; others 404."""
    later = assignment_for(cohort, title="Reply in public", after_session=2)
    client.force_login(lena)
    response = client.get(work_url(cohort, later))
    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "assessments/not_open.html"
    html = response.content.decode()
    assert "Not open yet" in html
    opens = cohort.sessions.get(number=2).ends_at.astimezone(zone_or_utc("America/New_York"))
    assert opens.strftime("%H:%M") in html
    assert "America/New_York" in html
    assert 'name="link_url"' not in html
    assert not Submission.objects.exists()
    assert post(client, cohort, later).status_code == HTTPStatus.OK  # the same page
    assert not Submission.objects.exists()
    client.force_login(member(running_cohort(name="Other")))
    assert client.get(work_url(cohort, later)).status_code == HTTPStatus.NOT_FOUND


def test_an_assignment_without_a_session_in_the_cohort_has_no_date_yet(client, cohort, lena):
    later = assignment_for(cohort, title="After session 9", after_session=9)
    client.force_login(lena)
    response = client.get(work_url(cohort, later))
    assert response.status_code == HTTPStatus.OK
    assert b"no date in this cohort yet" in response.content


# --- What the page shows ----------------------------------------------------------------


def test_the_page_shows_instructions_evidence_platforms_and_due_date(client, cohort, task, lena):
    """Rich-text instructions, the evidence asked for, each platform with an example, and
    the due date in the person's own time zone."""
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert "Spend <b>ten minutes</b> listening first." in html
    assert "LinkedIn</strong>" in html
    assert "X</strong>" in html
    assert Platform.objects.get(slug="x").example_post_url in html
    assert "A screenshot" in html
    assert "at least 40 characters" in html
    due = cohort.sessions.get(number=2).starts_at.astimezone(zone_or_utc("America/New_York"))
    assert due.strftime("%H:%M") in html
    assert "America/New_York" in html
    assert "The due date has passed" not in html


def test_past_the_due_date_the_page_says_it_is_late(client, cohort, task, lena):
    now = timezone.now()
    AssignmentWindow.objects.create(
        cohort=cohort,
        assignment=task,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=2),
    )
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert "The due date has passed" in html
    assert "Late" in html


def test_the_reflection_field_says_it_is_plain_text(client, cohort, task, lena):
    """The help says how paragraphs are made and promises nothing about markup."""
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert "leave an empty line between paragraphs" in html
    assert "HTML" not in html


# --- Saving and submitting (post/redirect/get) --------------------------------------------


def test_saving_a_draft_redirects_with_a_message(client, cohort, task, lena):
    client.force_login(lena)
    response = post(client, cohort, task, action="save")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == work_url(cohort, task)
    assert texts(response) == ["Draft saved."]
    draft = current(task, cohort, lena)
    assert (draft.status, draft.link_url, draft.reflection) == (Status.DRAFT, POST_URL, REFLECTION)
    page = client.get(response["Location"]).content.decode()
    assert escape(POST_URL) in page


@pytest.mark.parametrize("action", ["", "publish", "x" * 5000])
def test_an_unknown_action_only_saves(client, cohort, task, lena, action):
    """A missing or forged button value saves the draft and submits nothing."""
    client.force_login(lena)
    response = post(client, cohort, task, action=action)
    assert response.status_code == HTTPStatus.FOUND
    assert texts(response) == ["Draft saved."]
    assert current(task, cohort, lena).status == Status.DRAFT


def test_submitting_redirects_and_shows_the_attempt_read_only(client, cohort, task, lena):
    """Submit hands it in; the page then shows it waiting for review, without a form."""
    with_screenshot(task, cohort, lena)
    client.force_login(lena)
    response = post(client, cohort, task, action="submit")
    assert response.status_code == HTTPStatus.FOUND
    assert texts(response) == ["Submitted: your trainer will review it."]
    submitted = Submission.objects.get(user=lena)
    assert (submitted.status, submitted.is_late) == (Status.SUBMITTED, False)
    page = client.get(work_url(cohort, task)).content.decode()
    assert "Waiting for review" in page
    assert 'name="link_url"' not in page
    assert escape(POST_URL) in page
    assert shot_url(submitted) in page


def test_submit_without_the_tick_saves_the_draft_and_asks_for_it(client, cohort, task, lena):
    """Submitting is final, so it needs the tick: without it the work is saved as a draft
    (screenshot included: nothing to choose again), nothing is handed in, and the page
    says why at the top (linked to the box) and at the box, with everything typed."""
    client.force_login(lena)
    shot = upload(png(size=(640, 480)))
    response = post(client, cohort, task, action="submit", confirm_final=None, screenshot=shot)
    assert response.status_code == HTTPStatus.OK
    draft = current(task, cohort, lena)
    assert draft.status == Status.DRAFT
    assert draft.screenshot
    assert draft.reflection == REFLECTION
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_confirm_final"' in html
    assert 'id="id_confirm_final"' in html
    assert "Tick this box to submit" in html
    assert escape(POST_URL) in html
    assert response.context["form"]["reflection"].value() == REFLECTION
    # Ticked, the same work is handed in.
    assert post(client, cohort, task, action="submit").status_code == HTTPStatus.FOUND
    assert Submission.objects.get(user=lena).status == Status.SUBMITTED


def test_the_tick_alone_does_not_submit(client, cohort, task, lena):
    """Ticking the box and pressing "Save draft" only saves."""
    client.force_login(lena)
    post(client, cohort, task, action="save", confirm_final="on")
    assert current(task, cohort, lena).status == Status.DRAFT


def test_learners_see_the_rubric_before_submitting(client, cohort, task, lena):
    """Each criterion the trainer will look for, with its competency and level, is on the
    page while the work is still a draft."""
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert "How your trainer reviews it" in html
    criteria = list(task.criteria.select_related("competency").order_by("sort_order"))
    assert len(criteria) == 2
    for criterion in criteria:
        assert escape(criterion.description) in html
        expected = f"({criterion.competency.name}: {criterion.get_level_display().lower()})"
        assert escape(expected) in html


def test_submitting_late_says_so(client, cohort, task, lena):
    now = timezone.now()
    AssignmentWindow.objects.create(
        cohort=cohort,
        assignment=task,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=2),
    )
    with_screenshot(task, cohort, lena)
    client.force_login(lena)
    response = post(client, cohort, task, action="submit")
    assert texts(response) == ["Submitted late: your trainer will still review it. Thank you."]
    assert Submission.objects.get(user=lena).is_late


def test_posting_to_a_submitted_attempt_changes_nothing(client, cohort, task, lena):
    attempt(task, cohort, lena, link_url=POST_URL)
    client.force_login(lena)
    response = post(client, cohort, task, link_url="https://x.com/changed")
    assert response.status_code == HTTPStatus.FOUND
    assert "already submitted" in texts(response)[0]
    assert Submission.objects.get(user=lena).link_url == POST_URL


def test_refused_evidence_keeps_everything_typed(client, cohort, task, lena):
    """A wrong link on submit: the error is on the link, the typed link and reflection come
    back, and the draft holds them (saved, not submitted)."""
    client.force_login(lena)
    typed_link = "https://example.com/posts/1"
    typed = "<p>My reflection, typed with care & <em>emphasis</em>.</p>"
    response = post(client, cohort, task, action="submit", link_url=typed_link, reflection=typed)
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "LinkedIn or X" in form.errors["link_url"][0]
    assert form["link_url"].value() == typed_link
    assert form["reflection"].value() == typed
    html = response.content.decode()
    assert f'value="{escape(typed_link)}"' in html
    assert escape(typed) in html
    assert "Your draft is saved, except what is listed" in html
    draft = current(task, cohort, lena)
    assert (draft.status, draft.link_url) == (Status.DRAFT, typed_link)
    assert "My reflection" in draft.reflection


def test_a_refused_screenshot_asks_for_the_file_again_and_keeps_the_text(
    client, cohort, task, lena
):
    client.force_login(lena)
    typed = "<p>Kept after a bad screenshot.</p>"
    response = post(
        client, cohort, task, reflection=typed, screenshot=upload(b"not a picture", "x.png")
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["screenshot"]
    assert "not a complete PNG, JPEG or WebP" in errors[0]
    assert any(CHOOSE_AGAIN in error for error in errors)
    assert escape(typed) in response.content.decode()
    draft = current(task, cohort, lena)
    assert draft.reflection == typed
    assert not draft.screenshot


def test_a_screenshot_of_a_huge_picture_is_refused_and_the_text_is_kept(client, cohort, task, lena):
    """A 12000 x 3333 PNG of a few KB is refused with its size and the limits; the
    reflection typed with it is saved and shown again."""
    buffer = io.BytesIO()
    Image.new("1", (12_000, 3_333)).save(buffer, format="PNG", optimize=True)
    client.force_login(lena)
    typed = "<p>Kept after a screenshot far too large.</p>"
    response = post(
        client, cohort, task, reflection=typed, screenshot=upload(buffer.getvalue(), "x.png")
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["screenshot"]
    assert "too large (12000 by 3333 pixels)" in errors[0]
    assert escape(typed) in response.content.decode()
    assert current(task, cohort, lena).reflection == typed


def test_the_browser_is_told_the_screenshot_size_limit(client, cohort, task, lena):
    """The file input carries the 5 MB limit and its message for upload-limit.js, so a
    browser refuses a large file before sending it (and the text typed stays put)."""
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert 'data-max-bytes="5242880"' in html
    assert 'data-too-large="The screenshot is larger than 5 MB.' in html
    assert "js/upload-limit.js" in html


def test_a_missing_screenshot_does_not_say_choose_again(client, cohort, task, lena):
    client.force_login(lena)
    response = post(client, cohort, task, action="submit")
    errors = response.context["form"].errors["screenshot"]
    assert errors == ["Add a screenshot."]
    assert CHOOSE_AGAIN not in response.content.decode()


def test_a_stored_screenshot_is_shown_and_can_be_removed(client, cohort, task, lena):
    draft = with_screenshot(task, cohort, lena)
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert f'src="{shot_url(draft)}"' in html
    assert 'width="320" height="240"' in html
    assert 'name="remove_screenshot"' in html
    post(client, cohort, task, remove_screenshot="on")
    draft.refresh_from_db()
    assert not draft.screenshot
    assert 'name="remove_screenshot"' not in client.get(work_url(cohort, task)).content.decode()


def test_a_stored_screenshot_stays_when_another_field_is_refused(client, cohort, task, lena):
    """The earlier screenshot is still shown (no "choose again") after a link error."""
    draft = with_screenshot(task, cohort, lena)
    client.force_login(lena)
    response = post(client, cohort, task, action="submit", link_url="http://x.com/a/status/1")
    html = response.content.decode()
    assert f'src="{shot_url(draft)}"' in html
    assert CHOOSE_AGAIN not in html


def test_a_megabyte_reflection_is_refused_and_given_back(client, cohort, task, lena):
    client.force_login(lena)
    huge = "<p>" + "word " * 200_000 + "</p>"
    response = post(client, cohort, task, reflection=huge)
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "too long" in form.errors["reflection"][0]
    assert form["reflection"].value() == huge
    assert current(task, cohort, lena).link_url == POST_URL


def test_null_characters_are_refused_and_nothing_is_lost(client, cohort, task, lena):
    """Input the form itself refuses is given back; nothing is saved."""
    client.force_login(lena)
    response = post(client, cohort, task, link_url="https://x.com/a\x00b", reflection="kept")
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["link_url"]
    assert response.context["form"]["reflection"].value() == "kept"
    assert "Nothing was saved" in response.content.decode()
    assert not Submission.objects.filter(user=lena).exists()


def test_hostile_reflection_comes_back_escaped(client, cohort, task, lena):
    """Typed markup is shown back inside the text area as text, never as markup."""
    client.force_login(lena)
    hostile = '</textarea><script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post(client, cohort, task, action="submit", reflection=hostile)
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert escape(hostile) in html


# --- Revisions and history --------------------------------------------------------------


def test_after_a_revision_the_next_attempt_is_prefilled_and_the_feedback_shown(
    client, cohort, task, lena, trainer
):
    """Attempt 2 starts from attempt 1; the feedback is shown as plain text with breaks."""
    first = attempt(task, cohort, lena, link_url=POST_URL, reflection=REFLECTION)
    decided(first, by=trainer, feedback="Good start.\nSay what you would <b>change</b>.")
    client.force_login(lena)
    response = client.get(work_url(cohort, task))
    html = response.content.decode()
    assert response.context["current"].submission.attempt == 2
    assert not Submission.objects.filter(user=lena, attempt=2).exists()
    assert response.context["form"]["link_url"].value() == POST_URL
    assert "Earlier attempts" in html
    assert "Good start.<br>Say what you would &lt;b&gt;change&lt;/b&gt;." in html
    assert "Needs revision" in html


def test_the_first_save_creates_the_draft_with_what_was_typed(client, cohort, task, lena):
    """The first POST makes the draft and keeps the link and reflection as typed."""
    client.force_login(lena)
    response = post(client, cohort, task, link_url=POST_URL, reflection=REFLECTION)
    assert response.status_code == HTTPStatus.FOUND
    draft = current(task, cohort, lena)
    assert draft.status == Status.DRAFT
    assert draft.attempt == 1
    assert draft.link_url == POST_URL
    assert "I read what people said" in draft.reflection
    assert texts(response) == ["Draft saved."]


def test_the_first_save_after_a_revision_makes_attempt_2_with_the_new_text(
    client, cohort, task, lena, trainer
):
    """Saving after a request for revision creates attempt 2 from what was typed, and the
    screenshot of attempt 1 is carried over and shown."""
    first = with_screenshot(task, cohort, lena)
    services.submission_submit(submission=first, by=lena)
    decided(first, by=trainer, feedback="Say more.")
    client.force_login(lena)
    page = client.get(work_url(cohort, task)).content.decode()
    assert reverse("assessments:screenshot", args=[first.pk]) in page
    post(client, cohort, task, reflection=REFLECTION + "\n\nMore.")
    second = current(task, cohort, lena)
    assert second.attempt == 2
    assert "More." in second.reflection
    assert second.screenshot.name == Submission.objects.get(pk=first.pk).screenshot.name


@pytest.mark.parametrize("stage", ["new", "draft", "submitted", "revision", "accepted"])
def test_opening_the_work_page_writes_nothing(client, cohort, task, lena, trainer, stage):
    """A GET of the work page, at every stage of the work, runs no INSERT, UPDATE or
    DELETE."""
    if stage != "new":
        status = Status.DRAFT if stage == "draft" else Status.SUBMITTED
        first = attempt(task, cohort, lena, status=status)
        if stage == "revision":
            decided(first, by=trainer)
        elif stage == "accepted":
            decided(first, by=trainer, decision=Review.Decision.ACCEPTED)
    client.force_login(lena)
    client.get(reverse("assessments:mine"))  # the session and caches settle first
    with no_writes():
        response = client.get(work_url(cohort, task))
    assert response.status_code == HTTPStatus.OK


def test_accepted_work_shows_no_form_and_makes_no_attempt(client, cohort, task, lena, trainer):
    decided(attempt(task, cohort, lena), by=trainer, decision=Review.Decision.ACCEPTED,
            feedback="Clear and calm.")  # fmt: skip
    client.force_login(lena)
    response = client.get(work_url(cohort, task))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "there is nothing more to do" in html
    assert 'name="link_url"' not in html
    assert "Clear and calm." in html
    assert Submission.objects.filter(user=lena).count() == 1
    assert post(client, cohort, task).status_code == HTTPStatus.FOUND
    assert Submission.objects.filter(user=lena).count() == 1


def test_a_link_that_is_not_https_is_shown_as_text_in_the_history(
    client, cohort, task, lena, trainer
):
    decided(attempt(task, cohort, lena, link_url="javascript:alert(1)"), by=trainer)
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert 'href="javascript:' not in html


def test_the_work_page_costs_the_same_with_1_and_6_earlier_attempts(
    client, cohort, task, lena, trainer, django_assert_max_num_queries
):
    """Earlier attempts and their reviews are read at once, not one query each."""
    client.force_login(lena)

    def revise(number):
        decided(attempt(task, cohort, lena, number=number), by=trainer, feedback=f"Try {number}")

    revise(1)
    client.get(work_url(cohort, task))  # warms the caches
    Submission.objects.filter(user=lena, attempt=2).delete()
    client.get(work_url(cohort, task))
    # 22 today: the layout's, the access checks and the window (twice: the service opens
    # the attempt, the page shows the dates), the attempts with their reviews, platforms.
    with django_assert_max_num_queries(26) as small:
        client.get(work_url(cohort, task))
    Submission.objects.filter(user=lena, attempt=2).delete()
    for number in range(2, 7):
        revise(number)
    client.get(work_url(cohort, task))
    with django_assert_max_num_queries(26) as large:
        response = client.get(work_url(cohort, task))
    assert len(response.context["earlier"]) == 6
    assert len(large) == len(small), f"{len(small)} queries with 1, {len(large)} with 6"


# --- Screenshots ----------------------------------------------------------------------


@pytest.fixture
def shot(task, cohort, lena):
    return with_screenshot(task, cohort, lena)


@pytest.mark.parametrize("who", ["author", "trainer", "site_admin"])
def test_allowed_people_get_the_screenshot(client, request, shot, lena, who):
    """The author, the cohort's trainer and site admins get the picture, with headers that
    keep it private and unsniffable."""
    client.force_login(lena if who == "author" else request.getfixturevalue(who))
    response = client.get(shot_url(shot))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    with shot.screenshot.open("rb") as stored:
        assert body == stored.read()
    assert Image.open(io.BytesIO(body)).size == (640, 480)


@pytest.mark.parametrize("who", ["same_cohort", "other_trainer", "hr", "manager", "learner"])
def test_everyone_else_gets_404_for_the_screenshot(client, request, shot, cohort, who):
    """Another member of the same cohort, another trainer, HR, the person's manager
    and outsiders cannot see it by changing an id."""
    if who == "same_cohort":
        person = member(cohort)
    elif who == "other_trainer":
        person = add_role(UserFactory(), roles.TRAINER)
        running_cohort(trainers=[person], name="Theirs")
    else:
        person = request.getfixturevalue(who)
    if who == "manager":
        shot.user.manager = person
        shot.user.save(update_fields=["manager"])
    client.force_login(person)
    assert client.get(shot_url(shot)).status_code == HTTPStatus.NOT_FOUND


def test_anonymous_visitors_are_sent_to_log_in_for_the_screenshot(client, shot):
    response = client.get(shot_url(shot))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_no_screenshot_or_no_submission_is_404(client, task, cohort, lena):
    draft = services.submission_current(assignment=task, cohort=cohort, user=lena)
    client.force_login(lena)
    assert client.get(shot_url(draft)).status_code == HTTPStatus.NOT_FOUND
    assert (
        client.get(reverse("assessments:screenshot", args=[999999])).status_code
        == HTTPStatus.NOT_FOUND
    )


# --- The shared corpus, through the form --------------------------------------------------

_ESCAPE = re.compile(r"\\(t|n|r|\\|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
LONG = "a" * (evidence.MAX_LINK_CHARS + 100)


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _SIMPLE.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)


def link_cases() -> list[tuple[int, str, str]]:
    """(line, expected, url) for each case of ``corpus/links.txt``."""
    cases = []
    text = (CORPUS / "links.txt").read_text(encoding="utf-8")
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, _tab, url = line.partition("\t")
        cases.append((number, expected, _unescape(url).replace("{long}", LONG)))
    return cases


def test_every_corpus_link_through_the_form(client, cohort, lena):
    """Each corpus link is submitted through the work form: accepted ones are handed in,
    refused ones get a clear message on the link field, with the link and reflection
    given back exactly as typed."""
    task = assignment_for(
        cohort, title="Any platform", platforms=list(Platform.objects.all()),
        reflection_min_chars=10,
    )  # fmt: skip
    client.force_login(lena)
    draft = services.submission_current(assignment=task, cohort=cohort, user=lena)
    cases = link_cases()
    assert len(cases) >= 100
    problems = []
    for number, expected, url in cases:
        reflection = f"<p>Reflection for corpus line {number} & more.</p>"
        response = post(client, cohort, task, action="submit", link_url=url, reflection=reflection)
        if expected.startswith("ok:"):
            submitted = Submission.objects.get(pk=draft.pk)
            if response.status_code != HTTPStatus.FOUND or submitted.status != Status.SUBMITTED:
                problems.append((number, url, "not accepted"))
            elif submitted.platform.slug != expected.split(":")[1]:
                problems.append((number, url, f"platform {submitted.platform.slug}"))
            Submission.objects.filter(pk=draft.pk).update(
                status=Status.DRAFT, submitted_at=None, platform=None
            )
            continue
        if response.status_code != HTTPStatus.OK:
            problems.append((number, url, f"status {response.status_code}"))
            continue
        form = response.context["form"]
        errors = list(form.errors.get("link_url", []))
        if not errors or not all(error.strip() for error in errors):
            problems.append((number, url, f"no link error: {form.errors}"))
        if "\x00" not in url:  # the form itself refuses null characters, in its own words
            try:
                evidence.link_check_platform(url.strip(), task.platforms.all())
            except ValidationError as error:
                if errors != error.messages:
                    problems.append((number, url, f"{errors} != {error.messages}"))
        if form["link_url"].value() != url or form["reflection"].value() != reflection:
            problems.append((number, url, "typed text not given back"))
        if escape(reflection) not in response.content.decode():
            problems.append((number, url, "reflection not on the page"))
    assert problems == []


REFLECTIONS = sorted((CORPUS / "reflections").glob("*.html"))


@pytest.mark.parametrize("path", REFLECTIONS, ids=lambda path: path.stem)
def test_corpus_reflections_through_the_form(client, cohort, task, lena, path):
    """Each hostile reflection, submitted with a refused link: the page shows the link
    error and gives the reflection back as typed, as text; the draft stores it as typed,
    and the page after it shows it as text, never as markup."""
    raw = path.read_text(encoding="utf-8")
    client.force_login(lena)
    baseline = client.get(work_url(cohort, task)).content.decode().lower().count("<script")
    response = post(client, cohort, task, action="submit", link_url="http://x.com/a/status/1",
                    reflection=raw)  # fmt: skip
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "https://" in form.errors["link_url"][0]
    assert form["reflection"].value() == raw
    html = response.content.decode()
    assert escape(raw) in html
    assert html.lower().count("<script") == baseline
    stored = current(task, cohort, lena).reflection
    assert stored == raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    page = client.get(work_url(cohort, task)).content.decode()
    assert page.lower().count("<script") == baseline
    assert escape(stored) in page  # in the text area, as text
