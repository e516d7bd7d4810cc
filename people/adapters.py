"""How allauth treats Spoke's people: sign-up only from the company's e-mail domains.

``SPOKE_ALLOWED_EMAIL_DOMAINS`` lists the domains whose owners may create their own
account. An empty list means Spoke is open by invitation only: the sign-up page says so
and creates nobody.

allauth hands every address a person types to :meth:`AccountAdapter.clean_email`: on
sign-up, when someone adds or changes an address, and when someone asks for a password
reset. The first two bring a new address into Spoke and must respect the domain rule. A
password reset is about an address Spoke may already have (an invited person, an admin
with another domain), so it is never refused for its domain; refusing it would also tell
a stranger which addresses cannot have an account.

With ``SPOKE_SSO_ONLY`` people sign in through their company's identity provider
(``people.sso``): password log-in, sign-up and password resets are off for everyone but
superusers, who keep a password as the way in when the identity provider is down.
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.mail import render_plain_text, render_subject

# The views whose e-mail field names an address that already belongs to someone.
_VIEWS_FOR_EXISTING_ADDRESSES = frozenset({"account_reset_password"})


def _now() -> float:
    return time.time()


def allowed_email_domains() -> list[str]:
    """The domains people may sign up with, lower-cased, without the ``@``."""
    return list(settings.SPOKE_ALLOWED_EMAIL_DOMAINS)


def allowed_email_domains_display() -> str:
    """The allowed domains as people type them: ``@example.com, @example.org``."""
    return ", ".join(f"@{domain}" for domain in allowed_email_domains())


def email_domain(email: str) -> str:
    """The part after the last ``@``, lower-cased; empty when there is no ``@``."""
    if "@" not in email:
        return ""
    return email.rsplit("@", 1)[1].strip().lower()


def email_domain_allowed(email: str) -> bool:
    domain = email_domain(email)
    return bool(domain) and domain in allowed_email_domains()


# The views where an identity provider hands over an address (people.sso): its domain is
# checked there, against the provider's own domains, and sign-up against the domain rule.
_VIEWS_OF_IDENTITY_PROVIDERS = frozenset({"openid_connect_callback", "saml_finish_acs"})


def _request_is_about_existing_address() -> bool:
    request = allauth_context.request
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in (
        _VIEWS_FOR_EXISTING_ADDRESSES | _VIEWS_OF_IDENTITY_PROVIDERS
    )


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_domain_not_allowed": _(
            "Spoke accepts work addresses ending in %s. Use your work address, or ask "
            "your trainer or HR for an invitation."
        ),
        "sso_only": _(
            "Spoke is signed in to through your company's sign-in service. Go back, type "
            "your work address and continue there."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        """With no allowed domains configured, people join by invitation only; with
        ``SPOKE_SSO_ONLY`` they join through single sign-on only."""
        return bool(allowed_email_domains()) and not settings.SPOKE_SSO_ONLY

    def authenticate(self, request, **credentials):
        """With ``SPOKE_SSO_ONLY`` a password lets only superusers in (break-glass).

        The refusal comes only after a right password, so it tells a stranger nothing.
        """
        user = super().authenticate(request, **credentials)
        if user is not None and settings.SPOKE_SSO_ONLY and not user.is_superuser:
            raise self.validation_error("sso_only")
        return user

    def send_password_reset_mail(self, user, email, context) -> None:
        """With ``SPOKE_SSO_ONLY`` only superusers get a reset link; the page looks the same."""
        if settings.SPOKE_SSO_ONLY and not user.is_superuser:
            return
        super().send_password_reset_mail(user, email, context)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """People who sign in only through single sign-on have no password to type again;
        a sign-in at their identity provider within the re-authentication time counts."""
        request = allauth_context.request
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.has_usable_password():
            records = get_authentication_records(request, user)
            recent = [
                record
                for record in records
                if record.get("method") == "socialaccount"
                and record.get("at", 0) > _now() - account_settings.REAUTHENTICATION_TIMEOUT
            ]
            if recent:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def clean_email(self, email: str) -> str:
        """Lower-case every address; new addresses must be in an allowed domain.

        With no domains configured (invitation only) there is nothing to compare
        against, so an address a signed-in person adds is not limited by domain.
        """
        email = super().clean_email(email).strip().lower()
        if (
            allowed_email_domains()
            and not _request_is_about_existing_address()
            and not email_domain_allowed(email)
        ):
            raise self.validation_error("email_domain_not_allowed", allowed_email_domains_display())
        return email

    def render_mail(self, template_prefix, email, context, headers=None) -> EmailMessage:
        """allauth's mails (verification, password reset, notices), rendered like ours.

        The subject and the plain-text body are plain text, not HTML-escaped (see
        :mod:`core.mail`); the HTML body, when a template exists, is escaped as usual.
        """
        request = allauth_context.request
        to = [email] if isinstance(email, str) else list(email)
        subject = self.format_email_subject(
            render_subject(f"{template_prefix}_subject.txt", context, request)
        )
        text = render_plain_text(f"{template_prefix}_message.txt", context, request).strip()
        message = EmailMultiAlternatives(subject, text, self.get_from_email(), to, headers=headers)
        html_name = f"{template_prefix}_message.{account_settings.TEMPLATE_EXTENSION}"
        try:
            html = render_to_string(html_name, context, request).strip()
        except TemplateDoesNotExist:
            return message
        message.attach_alternative(html, "text/html")
        return message
