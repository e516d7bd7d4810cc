"""Credentials on the dashboard (each person's count) and on the Wagtail admin's home (a
warning to site admins while nothing can be signed).

Plain functions and components that ``wagtail_hooks`` registers.
"""

from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from core.dashboard import DashboardPanel

from .models import Credential


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
        personal=True,
    )


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
