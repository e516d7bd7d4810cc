"""Reads about the social media policy, for the apps that ask people to acknowledge it, and
the company's time zone."""

import zoneinfo

from .models import PolicyPage, PolicyQuestion, PolicyVersion


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
