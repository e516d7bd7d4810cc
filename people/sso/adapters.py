"""allauth's single sign-on hooks, where Spoke's rules for identity providers apply.

- A provider vouches only for the addresses of its own domains (``providers``): any other
  address is refused, however the provider was set up. Those addresses count as verified.
- A person already in Spoke is signed in, not copied: their address (any case) finds them.
- A new person is created just in time only where the domain rule allows sign-up
  (``SPOKE_ALLOWED_EMAIL_DOMAINS``); with no allowed domains Spoke stays invitation only
  and the provider signs in only people who are already there.
- Name, unit and manager follow what the provider sends, at every sign-in (``services``).
"""

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal.flows.email_authentication import wipe_password
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..adapters import email_domain_allowed
from .claims import claims_of, profile_from
from .providers import app_key, app_signs_in, normalize_email
from .services import person_sso_sync, sso_sign_in_refused

REFUSALS = {
    "no_email": _(
        "Your company's sign-in service did not tell Spoke your e-mail address, so Spoke "
        "cannot know who you are. Ask your IT department to send the e-mail claim."
    ),
    "not_you": _(
        "The account at your company's sign-in service belongs to someone else than the "
        "person signed in to Spoke. Sign out of both and sign in again as yourself."
    ),
    "foreign_domain": _(
        "Your company's sign-in service vouched for an address that it does not look after "
        "for Spoke. Sign in with your work address, or ask your IT department for help."
    ),
}


def _refuse(request, sociallogin, *, reason: str, email: str) -> None:
    app = sociallogin.provider.app
    user = sociallogin.user if sociallogin.is_existing else None
    sso_sign_in_refused(user=user, provider=app_key(app), email=email, reason=reason)
    response = render(
        request,
        "people_sso/refused.html",
        {"message": REFUSALS[reason], "provider_name": app.name},
        status=403,
    )
    raise ImmediateHttpResponse(response)


def _login_email(sociallogin) -> str:
    """The address the provider sent (never the one Spoke has for a linked account)."""
    addresses = [address.email for address in sociallogin.email_addresses if address.email]
    return normalize_email(addresses[0] if addresses else "")


def _profile(sociallogin, email: str):
    app = sociallogin.provider.app
    return profile_from(
        provider_kind=app.provider,
        app_settings=app.settings or {},
        claims=claims_of(sociallogin),
        email=email,
    )


def _confirm_address(request, user, email: str) -> None:
    """The provider proves the person receives mail at ``email``: it counts as confirmed.

    An address someone signed up with and never confirmed may not be theirs, so the
    password set with it is wiped first. An address with no record at all was given by a
    site admin (``createsuperuser``, the admin) and is confirmed as it is, keeping the
    password (a superuser's break-glass way in). An address of another person is left
    alone.
    """
    addresses = EmailAddress.objects.filter(user=user, email__iexact=email)
    if addresses.filter(verified=True).exists():
        return
    if addresses.exists():
        wipe_password(request, user, email)
        addresses.update(verified=True)
    elif normalize_email(user.email) == email:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_email_verified(self, provider, email) -> bool:
        """An address is verified when it is of a domain the provider looks after."""
        if provider.app is not None and app_signs_in(provider.app, email):
            return True
        return super().is_email_verified(provider, email)

    def can_authenticate_by_email(self, login, email: str) -> bool:
        """Find a person by address only for a provider's own domains."""
        return login.provider.app is not None and app_signs_in(login.provider.app, email)

    def pre_social_login(self, request, sociallogin) -> None:
        email = _login_email(sociallogin)
        if not email:
            _refuse(request, sociallogin, reason="no_email", email="")
        if not app_signs_in(sociallogin.provider.app, email):
            _refuse(request, sociallogin, reason="foreign_domain", email=email)
        for address in sociallogin.email_addresses:
            address.email = normalize_email(address.email)
        signed_in = getattr(request, "user", None)
        if (
            sociallogin.state.get("process") == AuthProcess.CONNECT
            and signed_in is not None
            and signed_in.is_authenticated
            and normalize_email(signed_in.email) != email
        ):
            # Linking someone else's identity to this account would let them in as it.
            _refuse(request, sociallogin, reason="not_you", email=email)
        if not sociallogin.is_existing:
            sociallogin.user.email = email
            return
        user = sociallogin.user
        if not user.is_active:
            return  # allauth shows the inactive-account page; nothing is updated
        _confirm_address(request, user, email)
        person_sso_sync(
            user=user,
            profile=_profile(sociallogin, email),
            provider=app_key(sociallogin.provider.app),
            created=False,
        )

    def is_open_for_signup(self, request, sociallogin) -> bool:
        """Just-in-time creation follows the domain rule of the sign-up page."""
        return email_domain_allowed(_login_email(sociallogin))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = normalize_email(user.email)
        profile = _profile(sociallogin, user.email)
        user.first_name = profile.first_name or (user.first_name or "").strip()[:150]
        user.last_name = profile.last_name or (user.last_name or "").strip()[:150]
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        person_sso_sync(
            user=user,
            profile=_profile(sociallogin, user.email),
            provider=app_key(sociallogin.provider.app),
            created=True,
        )
        return user
