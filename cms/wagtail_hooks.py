from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Platform


class PlatformViewSet(SnippetViewSet):
    model = Platform
    icon = "globe"
    menu_label = _("Platforms")
    add_to_admin_menu = False
    list_display = ["name", "home_url"]
    search_fields = ["name"]
    ordering = ["name"]


register_snippet(PlatformViewSet)
