"""How allauth treats Spoke's people: sign-up only from the company's e-mail domains."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def email_domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""
    return bool(domain) and domain in settings.SPOKE_ALLOWED_EMAIL_DOMAINS


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """With no allowed domains configured, people join by invitation only."""
        return bool(settings.SPOKE_ALLOWED_EMAIL_DOMAINS)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).strip().lower()
        if not email_domain_allowed(email):
            domains = ", ".join(f"@{d}" for d in settings.SPOKE_ALLOWED_EMAIL_DOMAINS)
            raise ValidationError(
                _(
                    "Spoke accepts work addresses ending in %(domains)s. Use your work "
                    "address, or ask your trainer for an invitation."
                )
                % {"domains": domains}
            )
        return email
