from django.contrib.auth.views import redirect_to_login
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Platform
from .selectors import document_is_public


class PlatformViewSet(SnippetViewSet):
    model = Platform
    icon = "globe"
    menu_label = _("Platforms")
    add_to_admin_menu = False
    list_display = ["name", "home_url"]
    search_fields = ["name"]
    ordering = ["name"]


register_snippet(PlatformViewSet)


@hooks.register("before_serve_document")
def documents_for_signed_in_people(document, request):
    """Documents are for signed-in people unless their collection is public: anyone else
    is sent to log in first (and comes back to the document). Wagtail's own collection
    privacy (groups, a password) still applies on top."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    if document_is_public(document=document, request=request):
        return None
    return redirect_to_login(request.get_full_path())


@hooks.register("register_admin_menu_item")
def back_to_the_site_menu_item():
    """The first item of the admin's menu: the way back to the site (the person's
    dashboard), for everyone who may enter the admin."""
    return MenuItem(
        _("Back to the site"), reverse("dashboard"), name="back-to-site", icon_name="site", order=1
    )


@hooks.register("insert_global_admin_js")
def error_summary_script():
    """Our admin screens head their forms with the same error summary as the site
    (``{% error_summary form admin=True %}``); the same small script focuses it."""
    return format_html('<script src="{}" defer></script>', static("js/error-summary.js"))
