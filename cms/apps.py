from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site pages")

    def ready(self) -> None:
        # Hears Wagtail publishing the policy page (the one signal receiver we keep).
        from . import signals  # noqa: F401

        _stamp_on_content_changes()


def _stamp_on_content_changes() -> None:
    """Pages, their view restrictions, sites, site settings and images are what cached
    routes and visitors' pages are made of: writing any of them changes the content stamp
    (core.pagecache). Wagtail's own signals cover what it writes with queryset updates (a
    move rewrites the paths of a whole branch)."""
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from core.pagecache import content_changed, stamp_on_change

    from .models import DocumentSettings, Platform, PolicyQuestion, PolicyVersion, SiteSettings

    stamp_on_change(
        Page,
        *get_page_models(),
        PageViewRestriction,
        PageViewRestriction.groups.through,
        Site,
        SiteSettings,
        DocumentSettings,
        DocumentSettings.public_collections.through,
        Platform,
        PolicyQuestion,
        PolicyVersion,
        get_image_model(),
    )
    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
    ):
        signal.connect(content_changed, dispatch_uid=f"cms_stamp_page_{name}")
