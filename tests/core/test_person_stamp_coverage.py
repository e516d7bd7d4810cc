"""Every model of ours is accounted for by the caches: a write to it either changes the
content stamp (shown alike to all), or the stamp of each person it is about (shown on their
own pages, core.personcache), or it is never shown on a page that is kept.

A new model that is in none of those fails here: decide where it belongs (a foreign key to
the person is found by itself; a row that reaches its person through another says how
with ``stamp_person_via``; shared content calls ``stamp_on_change``).
"""

from django.apps import apps
from django.conf import settings

from core.pagecache import STAMPED_MODELS
from core.personcache import unwatched_models, watched_models

# Never on a kept page (a learner's lesson, course page or dashboard), with the reason.
NOT_ON_KEPT_PAGES = {
    "core.contentstamp": "it is the content stamp",
    "core.deferredtask": "the queue of tasks held while Redis is down",
    "people.scimtoken": "the identity provider's tokens, shown to site admins",
    "credentials.signingkey": "the keys that sign credentials",
    "advocacy.calloutunit": "a call-out's units, on the hub's call-out pages only",
    "advocacy.shareclick": "click counts, on the sharing kit's pages only",
    "advocacy.sharesuggestion": "a post's words, saved with the post's page (a page "
    "write changes the content stamp)",
}


def _our_models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_config.name in settings.SPOKE_APPS:
            yield model._meta.label_lower


def test_every_model_is_accounted_for_by_the_caches():
    accounted = watched_models() | STAMPED_MODELS | set(NOT_ON_KEPT_PAGES) | unwatched_models()
    unaccounted = sorted(label for label in _our_models() if label not in accounted)
    assert unaccounted == [], (
        "These models change no stamp: say in their app's ready() how a write to them "
        "reaches what is cached (core.pagecache.stamp_on_change, "
        f"core.personcache.stamp_person_via), or list them here with why: {unaccounted}"
    )


def test_the_exemptions_are_still_true():
    """An exempt model that gained a stamp (or went away) leaves the list."""
    known = set(_our_models())
    stale = sorted(
        label
        for label in NOT_ON_KEPT_PAGES
        if label not in known or label in watched_models() or label in STAMPED_MODELS
    )
    assert stale == []


def test_rows_written_often_and_shown_nowhere_kept_are_not_watched():
    """An export's progress and the log of messages sent change no stamp (they are written
    many times and no kept page shows them)."""
    assert {
        "reports.reportexport",
        "people.personaldataexport",
        "core.notificationlog",
    } <= unwatched_models()
    assert not {"reports.reportexport", "core.notificationlog"} & watched_models()


def test_rows_reaching_a_person_through_another_are_watched():
    """Reviews, coaches' feedback, attendance and roster events point to a submission, a
    place or a membership, not to the person they are about."""
    watched = watched_models()
    for label in (
        "assessments.review",
        "advocacy.coachfeedback",
        "cohorts.attendance",
        "advocacy.rosterevent",
        "people.user_groups",
        "assessments.review_criteria_met",
    ):
        assert label in watched, label


def test_a_message_sent_changes_no_stamp(db):
    """Sending someone a message writes a log row about them; their kept pages stay."""
    from core.models import NotificationLog
    from tests.factories import UserFactory

    person = UserFactory()
    before = person.page_stamp
    NotificationLog.objects.create(key="welcome:1", user=person, template="welcome")
    person.refresh_from_db()
    assert person.page_stamp == before


def test_a_write_about_many_people_changes_the_content_stamp_instead(db):
    """Hundreds of people at once: one row written (the content stamp), not hundreds, and
    every kept page is a miss."""
    from core.pagecache import content_stamp
    from core.personcache import MANY_PEOPLE, person_changed
    from people.models import User
    from tests.factories import UserFactory

    few = [UserFactory() for _ in range(2)]
    stamps = dict(User.objects.values_list("pk", "page_stamp"))
    content = content_stamp()
    person_changed(*(person.pk for person in few))
    assert content_stamp() == content
    after = dict(User.objects.values_list("pk", "page_stamp"))
    assert after[few[0].pk] != stamps[few[0].pk]

    many = range(1, MANY_PEOPLE + 2)
    assert person_changed(*many) is None
    assert content_stamp() != content
