"""Reads about credentials, for the public pages and for their holders."""

import re

from django.db.models import QuerySet

from cms.models import Platform

from .models import Credential

# What secrets.token_urlsafe makes; anything else is not looked up at all.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")


def credential_public(*, token: str) -> Credential | None:
    """The credential at ``token`` if anyone may see it (not hidden), else ``None``: one
    query, none for a token that could not be ours."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    return Credential.objects.filter(token=token, hidden=False).first()


def credentials_for_user(*, user) -> QuerySet[Credential]:
    """``user``'s own credentials, newest first, hidden and revoked ones included."""
    return Credential.objects.filter(user=user).order_by("-issued_at", "-pk")


def revoked_indexes(*, number: int) -> list[int]:
    """The set bits of status list ``number`` (one query)."""
    return list(
        Credential.objects.filter(status_list=number, revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )


def status_list_exists(*, number: int) -> bool:
    return number == 1 or Credential.objects.filter(status_list=number).exists()


def share_platforms() -> list[Platform]:
    """Platforms whose share link can be built (one query)."""
    return list(Platform.objects.exclude(share_url_template="").order_by("name"))
