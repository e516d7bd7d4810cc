"""What Spoke reads from an identity provider: name, department and manager.

OpenID Connect sends claims (the ID token, then what the userinfo endpoint adds); SAML
sends attributes, each a list of values. Which claim or attribute holds what is set per
provider in its app's settings, under ``profile_claims``; each entry is a name or a list
of names tried in order::

    {"profile_claims": {"department": ["department", "ou"], "manager_email": "manager"}}

The defaults below cover what Entra ID, Okta and Google Workspace send when set up as in
docs/sso.md. Values are cleaned (surrounding and repeated spaces, length) before use;
anything that is not text is ignored.
"""

from dataclasses import dataclass

from .providers import normalize_email

FIELDS = ("first_name", "last_name", "department", "manager_email")

DEFAULT_CLAIMS = {
    "openid_connect": {
        "first_name": ["given_name"],
        "last_name": ["family_name"],
        "department": ["department"],
        "manager_email": ["manager_email", "manager"],
    },
    "saml": {
        "first_name": [
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            "urn:oid:2.5.4.42",
            "givenName",
            "first_name",
        ],
        "last_name": [
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
            "urn:oid:2.5.4.4",
            "sn",
            "last_name",
        ],
        "department": [
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/department",
            "department",
            "urn:oid:2.5.4.11",
        ],
        "manager_email": ["manager_email", "managerEmail", "manager"],
    },
}

LIMITS = {"first_name": 150, "last_name": 150, "department": 200, "manager_email": 254}


@dataclass(frozen=True)
class SsoProfile:
    """What one sign-in told us; ``None`` where the provider sent nothing usable."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    department: str | None = None
    manager_email: str | None = None


def claims_of(sociallogin) -> dict:
    """The raw claims or attributes of a sign-in, one value (or list) per name."""
    data = sociallogin.account.extra_data or {}
    if isinstance(data, dict) and ("userinfo" in data or "id_token" in data):
        merged = dict(data.get("id_token") or {})
        merged.update(data.get("userinfo") or {})
        return merged
    return dict(data) if isinstance(data, dict) else {}


def _first_text(claims: dict, names) -> str | None:
    if isinstance(names, str):
        names = [names]
    for name in names or []:
        value = claims.get(name)
        if isinstance(value, list | tuple):
            value = next((item for item in value if isinstance(item, str) and item.strip()), None)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _clean(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.replace("\x00", " ").split())
    if field == "manager_email":
        value = normalize_email(value)
        if "@" not in value:
            return None
    if not value or len(value) > LIMITS[field]:
        return None
    return value


def profile_from(*, provider_kind: str, app_settings: dict, claims: dict, email: str) -> SsoProfile:
    """The cleaned profile from ``claims``, reading the names the app's settings give."""
    names = {**DEFAULT_CLAIMS.get(provider_kind, {}), **(app_settings.get("profile_claims") or {})}
    values = {field: _clean(field, _first_text(claims, names.get(field))) for field in FIELDS}
    return SsoProfile(email=normalize_email(email), **values)
