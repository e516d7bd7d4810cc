"""Reads about the social media policy, for the apps that ask people to acknowledge it,
about who may download a document, and the company's time zone."""

import zoneinfo

from .models import DocumentSettings, PolicyPage, PolicyQuestion, PolicyVersion


def policy_page_live() -> PolicyPage | None:
    """The published policy page, or ``None`` when there is none (one query)."""
    return PolicyPage.objects.live().order_by("-last_published_at", "-pk").first()


def policy_current() -> PolicyVersion | None:
    """The latest version of the live policy page, with its page, or ``None`` when no
    policy is published (one query)."""
    return (
        PolicyVersion.objects.filter(page__live=True)
        .select_related("page")
        .order_by("-published_at", "-number", "-pk")
        .first()
    )


def policy_questions(*, page: PolicyPage) -> list[PolicyQuestion]:
    """The understanding check of the published ``page``, in the editor's order (one
    query)."""
    return list(PolicyQuestion.objects.filter(page_id=page.pk).order_by("sort_order", "pk"))


def document_is_public(*, document, request=None) -> bool:
    """Whether anyone may download ``document``: its collection, or one it sits in, is
    marked public in the document access settings (two queries, the settings cached on
    ``request``)."""
    settings = DocumentSettings.load(request_or_site=request)
    paths = list(settings.public_collections.values_list("path", flat=True))
    collection_path = document.collection.path
    return any(collection_path.startswith(path) for path in paths)


def company_zone(*, request=None) -> zoneinfo.ZoneInfo:
    """The company's time zone (``SiteSettings.time_zone``) for ``request``'s site, or for
    the default site when there is no request (tasks, commands). Reads only, never
    creates the settings row; UTC when no site or setting is set up."""
    from wagtail.models import Site

    from .models import SiteSettings

    site = Site.find_for_request(request) if request is not None else None
    rows = SiteSettings.objects.all()
    rows = rows.filter(site=site) if site is not None else rows.filter(site__is_default_site=True)
    return SiteSettings(time_zone=rows.values_list("time_zone", flat=True).first() or "UTC").zone
