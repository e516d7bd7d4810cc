"""Turning a service's refusal into words a person reads."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def error_text(error: Exception) -> str:
    """What a service's ``PermissionDenied`` or ``ValidationError`` says, for a message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You cannot do this.")
