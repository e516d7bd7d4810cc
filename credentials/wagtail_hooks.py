"""Credentials in the Wagtail admin: which competency levels earn one, the credentials
issued (read-only), a warning on the admin home when nothing can be signed, and each
person's panel on the dashboard."""

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.dashboard import HOOK_NAME, DashboardPanel
from people import roles

from . import keys
from .models import CompetencyCredentialLevel, Credential


@hooks.register(HOOK_NAME)
def credentials_panel(request):
    """Everyone signed in: how many credentials they hold, and the way to them."""
    if not request.user.is_authenticated:
        return None
    return DashboardPanel(
        title=_("Your credentials"),
        template="credentials/panels/summary.html",
        context={"count": Credential.objects.filter(user=request.user).count()},
        order=25,
        key="credentials",
    )


class CompetencyCredentialLevelViewSet(SnippetViewSet):
    """Which levels of which competencies earn a credential."""

    model = CompetencyCredentialLevel
    icon = "pick"
    menu_label = gettext_lazy("Competency credentials")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["competency", "level"]
    list_filter = ["level"]


register_snippet(CompetencyCredentialLevelViewSet)


class SigningKeyWarning(Component):
    """Shown on the admin home to site admins while no credential can be signed."""

    order = 10

    def __init__(self, problem: str) -> None:
        self.problem = problem

    def render_html(self, parent_context=None) -> str:
        return format_html(
            '<section class="help-block help-warning" role="alert"><p><strong>{}</strong> {}'
            "</p><p>{}</p></section>",
            _("Credentials cannot be issued."),
            self.problem,
            _(
                "Nobody loses anything: once a key exists, the nightly check issues what "
                "was earned meanwhile. See docs/credentials.md."
            ),
        )


@hooks.register("construct_homepage_panels")
def signing_key_warning(request, panels):
    if not roles.user_is_site_admin(request.user):
        return
    problem = keys.signing_state()
    if problem:
        panels.insert(0, SigningKeyWarning(problem))
