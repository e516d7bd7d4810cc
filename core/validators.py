"""Validators that any app's forms share."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_single_line(value: str) -> None:
    """Refuse line breaks, tabs, NUL and other control characters in a one-line field.

    Names and places end up in e-mail subjects, calendar files and CSV exports, where a
    stray line break or NUL breaks the file. A browser's one-line input cannot type them;
    they come from pasting or from a crafted request.
    """
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in str(value)):
        raise ValidationError(
            _("Use one line of text: remove line breaks, tabs and other control characters."),
            code="control_characters",
        )
