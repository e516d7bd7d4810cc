"""A learner's reflection in their own words: stored as plain text, shown with its
paragraphs (escaped) to the learner and the trainer, and given back as plain text when a
revision starts; the stored markup of before is turned into that text by a migration."""

import importlib
from http import HTTPStatus

import pytest
from django.urls import reverse

from assessments.models import Submission

from .helpers_review import attempt, decided

pytestmark = pytest.mark.django_db
Status = Submission.Status

WORDS = "I listened first.\n\nThen I replied <in public> & moved on.\nNo drama."
SHOWN = (
    "<p>I listened first.</p>\n\n"
    "<p>Then I replied &lt;in public&gt; &amp; moved on.<br>No drama.</p>"
)


def work_url(cohort, task):
    return reverse("assessments:work", args=[cohort.pk, task.pk])


def test_the_learner_sees_the_paragraphs_of_a_handed_in_attempt(client, cohort, task, lena):
    """Submitted and waiting: the reflection shows as paragraphs, escaped."""
    attempt(task, cohort, lena, reflection=WORDS)
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert SHOWN in html


def test_the_learner_sees_paragraphs_in_earlier_attempts(client, cohort, task, lena, trainer):
    """After a request for revision, attempt 1 in the history keeps its paragraphs."""
    decided(attempt(task, cohort, lena, reflection=WORDS), by=trainer)
    client.force_login(lena)
    html = client.get(work_url(cohort, task)).content.decode()
    assert SHOWN in html


def test_the_trainer_sees_the_paragraphs(client, cohort, task, lena, trainer):
    """The review screen shows the same paragraphs, escaped."""
    submission = attempt(task, cohort, lena, reflection=WORDS)
    client.force_login(trainer)
    response = client.get(reverse("assessments_admin:review", args=[submission.pk]))
    assert response.status_code == HTTPStatus.OK
    assert SHOWN in response.content.decode()


def test_a_revision_opens_with_the_earlier_reflection_as_plain_text(
    client, cohort, task, lena, trainer
):
    """The text area of attempt 2 holds attempt 1's words, never ``<p>`` markup, and the
    page does not create attempt 2 by being opened."""
    decided(attempt(task, cohort, lena, reflection=WORDS), by=trainer)
    client.force_login(lena)
    response = client.get(work_url(cohort, task))
    form = response.context["form"]
    assert form["reflection"].value() == WORDS
    html = response.content.decode()
    assert (
        ">\nI listened first.\n\nThen I replied &lt;in public&gt; &amp; moved on.\nNo drama."
        in (html)
    )
    assert "&lt;p&gt;" not in html
    assert not Submission.objects.filter(user=lena, attempt=2).exists()


def test_paragraphs_typed_survive_a_save_and_come_back(client, cohort, task, lena):
    """Typed with Windows line endings, saved: stored and given back with its paragraphs."""
    client.force_login(lena)
    typed = WORDS.replace("\n", "\r\n")
    client.post(work_url(cohort, task), {"reflection": typed, "link_url": "", "action": "save"})
    stored = Submission.objects.get(user=lena)
    assert stored.reflection == WORDS
    response = client.get(work_url(cohort, task))
    assert response.context["form"]["reflection"].value() == WORDS


# --- The migration that turned stored markup into text -----------------------------------

migration = importlib.import_module("assessments.migrations.0003_reflections_plain_text")


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        ("<p>First.</p>\n<p>Second &amp; third<br>line</p>", "First.\n\nSecond & third\nline"),
        ("<ul><li>one</li><li>two</li></ul><p>after</p>", "- one\n- two\n\nafter"),
        ('<p>See <a href="https://x.com/a" rel="nofollow noopener">this</a>.</p>',
         "See this (https://x.com/a)."),
        ('<a href="https://x.com" rel="nofollow noopener">https://x.com</a>', "https://x.com"),
        ("<h2>Title</h2><blockquote><p>quote</p></blockquote>", "Title\n\nquote"),
        # A draft saved from plain text: only its entities were escaped.
        ("Plain one.\n\nPlain two &lt;b&gt;", "Plain one.\n\nPlain two <b>"),
        ("Nothing to do", "Nothing to do"),
        ("", ""),
    ],
)  # fmt: skip
def test_the_migration_turns_markup_into_the_text_a_reader_saw(stored, text):
    """Blocks become paragraphs, breaks lines, items "- " lines, links their words (and
    address), entities their characters; plain text is left alone."""
    assert migration.html_to_text(stored) == text


def test_the_migration_rewrites_stored_rows_and_their_counts(cohort, task, lena):
    """Each stored reflection becomes text with its visible length; running it again
    changes nothing."""
    from django.apps import apps

    row = attempt(task, cohort, lena, reflection="<p>One &amp; two</p><p>Three</p>")
    migration.forwards(apps, None)
    row.refresh_from_db()
    assert (row.reflection, row.reflection_chars) == ("One & two\n\nThree", len("One & two Three"))
    migration.forwards(apps, None)
    row.refresh_from_db()
    assert row.reflection == "One & two\n\nThree"
