"""Template tags of the site's pages.

``{% spoke_userbar %}`` puts Wagtail's userbar (the bird button with "Edit this page") on
a page only for someone who may edit that page. Wagtail's own tag shows it on every page
to everyone who may enter the admin, including HR, advocacy leads and trainers on report,
roster and dashboard pages that have nothing to edit, where it covers table cells and
loads the admin's scripts and styles.
"""

from django import template
from wagtail.admin.templatetags.wagtailuserbar import get_page_instance, wagtailuserbar

register = template.Library()


def may_edit_page(context) -> bool:
    """Whether the page being shown is a Wagtail page the person asking may edit."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    page = get_page_instance(context)
    if page is None:
        return False
    if getattr(request, "is_preview", False):
        return True  # only editors reach a preview
    if page.pk is None:
        return False
    return page.permissions_for_user(user).can_edit()


@register.simple_tag(takes_context=True)
def spoke_userbar(context, position="bottom-right"):
    """Wagtail's userbar, on pages the person may edit; nothing anywhere else."""
    if not may_edit_page(context):
        return ""
    return wagtailuserbar(context, position=position)
