"""Request-wide rules about the signed-in person: their time zone, and two-factor for staff."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import zone_or_utc


class PersonTimeZoneMiddleware:
    """Show every time in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_or_utc(user.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


# Where staff without two-factor may still go: setting it up (after confirming their
# password or address, which allauth may ask for first), their recovery codes, logging out,
# and the health check. Static and media files are open too (see _is_file_path).
OPEN_WITHOUT_TWO_FACTOR = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "healthz",
    }
)

# The set-up pages that say why staff are there (allauth asks for the password again before
# it shows the app's QR code, so the explanation goes on that page too).
EXPLAINED_ON = frozenset({"mfa_index", "mfa_activate_totp", "account_reauthenticate"})

STAFF_NEED_TWO_FACTOR = _(
    "Trainers, HR, advocacy leads and site admins protect what they can reach with "
    "two-factor authentication. Set up an authenticator app to continue."
)


class StaffTwoFactorMiddleware:
    """With ``SPOKE_REQUIRE_MFA_FOR_STAFF``, staff set up two-factor before anything else.

    Staff who have no authenticator are sent to allauth's page that activates one, from
    every page (the Wagtail and Django admins included) except those that set it up, log
    out, static and media files and ``/healthz``; the set-up pages say why. Learners and
    managers are never asked. The role check reuses the group names the rest of the
    request reads anyway (cached on the user), so it costs learners nothing; staff pay one
    query for their authenticators.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _url_name(request) in OPEN_WITHOUT_TWO_FACTOR or _is_file_path(request.path_info):
            return None
        if _needs_two_factor(getattr(request, "user", None)) and not _idp_mfa_trusted(request):
            return redirect("mfa_activate_totp")
        return None

    def process_template_response(self, request, response):
        if (
            _url_name(request) in EXPLAINED_ON
            and _needs_two_factor(getattr(request, "user", None))
            and not _idp_mfa_trusted(request)
        ):
            messages.warning(request, STAFF_NEED_TWO_FACTOR)
        return response


def _url_name(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.url_name if match else None


def _is_file_path(path: str) -> bool:
    return any(
        prefix and path.startswith(prefix) for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
    )


def _idp_mfa_trusted(request) -> bool:
    """With ``SPOKE_SSO_TRUST_IDP_MFA``, staff who signed in through single sign-on rely on
    their identity provider's two-factor instead of Spoke's (docs/sso.md, "Two-factor")."""
    if not settings.SPOKE_SSO_TRUST_IDP_MFA:
        return False
    records = get_authentication_records(request, request.user)
    return bool(records) and records[0].get("method") == "socialaccount"


def _needs_two_factor(user) -> bool:
    """Staff without an authenticator, while the setting asks staff for one."""
    return bool(
        settings.SPOKE_REQUIRE_MFA_FOR_STAFF
        and user is not None
        and user.is_authenticated
        and roles.user_is_staff(user)
        and not is_mfa_enabled(user)
    )
