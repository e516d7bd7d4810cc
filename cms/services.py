"""Writes of the site pages: policy versions start when the policy page is published.

Publishing the :class:`~cms.models.PolicyPage` for the first time, or publishing a revision
whose "this change is material" box is ticked, starts the next
:class:`~cms.models.PolicyVersion`; an editorial publish (box unticked) keeps the current
one. Wagtail publishes (from the editor, the scheduler or ``revision.publish()``) without
going through us, so ``cms.signals`` hears its ``page_published`` signal and calls
:func:`policy_version_for_publication`, which announces
:data:`~cms.events.POLICY_VERSION_PUBLISHED` for after the commit.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Revision

from core.events import event_announce

from .events import POLICY_VERSION_PUBLISHED
from .models import PolicyPage, PolicyVersion


def policy_version_for_publication(
    *, page: PolicyPage, revision: Revision | None, now: datetime | None = None
) -> PolicyVersion | None:
    """Start the next version of ``page`` if publishing ``revision`` calls for one.

    A version starts when the page has none yet, or when the revision's content says the
    change is material. Returns the new version, or ``None`` (editorial change, a page
    that is not live yet because it is scheduled, or a revision that already started a
    version: publishing the same revision again never starts a second one).
    """
    if revision is None or not page.live:
        return None
    with transaction.atomic():
        # Lock the page row so that two publications at once number their versions in turn.
        list(Page.objects.select_for_update().filter(pk=page.pk).values_list("pk", flat=True))
        versions = PolicyVersion.objects.filter(page_id=page.pk)
        if versions.filter(revision=revision).exists():
            return None
        latest = versions.order_by("-number").only("number").first()
        content = revision.content or {}
        material = bool(content.get("material_change"))
        if latest is not None and not material:
            return None
        version = PolicyVersion.objects.create(
            page_id=page.pk,
            number=1 if latest is None else latest.number + 1,
            revision=revision,
            change_note=(content.get("change_note") or "").strip() if material else "",
            published_at=now or timezone.now(),
        )
        # After the commit: advocacy asks the roster to acknowledge the new version.
        event_announce(
            POLICY_VERSION_PUBLISHED,
            version_id=version.pk,
            page_id=page.pk,
            number=version.number,
        )
    return version
