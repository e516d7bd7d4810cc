"""What ``advocacy`` adds to the policy page: the reader's acknowledgement and the way to
the check (see ``cms.hooks``)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.hooks import POLICY_PAGE_SECTIONS_HOOK
from core.dashboard import DashboardPanel

from .policy import policy_status


@hooks.register(POLICY_PAGE_SECTIONS_HOOK)
def policy_acknowledgement_section(*, request, page, version):
    """For a logged-in reader of the published policy: whether they acknowledged the
    current version, and a button to the check when not. One query."""
    if (
        version is None
        or not request.user.is_authenticated
        or getattr(request, "is_preview", False)
    ):
        return None
    status = policy_status(user=request.user, version=version)
    check_url = reverse("advocacy:policy_check")
    page_url = page.get_url(request)
    if page_url:
        check_url = f"{check_url}?{urlencode({'next': page_url})}"
    return DashboardPanel(
        title=_("Your acknowledgement"),
        template="advocacy/policy_section.html",
        context={"status": status, "check_url": check_url},
        order=10,
        key="policy-acknowledgement",
    )
