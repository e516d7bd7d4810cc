"""Which identity provider signs in which e-mail domain.

An identity provider is an allauth ``SocialApp`` of the ``openid_connect`` or ``saml``
kind, stored in the database or in ``SOCIALACCOUNT_PROVIDERS``. Its settings name the
e-mail domains it signs in::

    {"domains": ["example.com", "example.org"], ...}

A domain belongs to one provider; a provider may have several domains, and a company
several providers (one per subsidiary, say). The provider may vouch only for the
addresses of its own domains: an address of another domain is refused at sign-in.
"""

from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter

SSO_PROVIDER_KINDS = ("openid_connect", "saml")

# The pages whose form (the e-mail step) may end in a redirect to an identity provider:
# their Content-Security-Policy lets forms go to the providers' origins (lms.security_headers).
EMAIL_STEP_URL_NAMES = frozenset({"account_login", "start"})


def normalize_email(value: str) -> str:
    """An address as Spoke stores it: no surrounding space, lower-case."""
    return (value or "").strip().lower()


def email_domain(email: str) -> str:
    email = normalize_email(email)
    return email.rsplit("@", 1)[1] if "@" in email else ""


def app_domains(app) -> frozenset[str]:
    """The e-mail domains an app signs in, lower-cased, without ``@``."""
    domains = (app.settings or {}).get("domains") or []
    if isinstance(domains, str):
        domains = domains.split(",")
    return frozenset(
        domain.strip().lower().lstrip("@") for domain in domains if str(domain).strip()
    )


def app_key(app) -> str:
    """How the app is named in log entries and URLs: its provider ID, else its client ID."""
    return app.provider_id or app.client_id


def sso_apps(request=None) -> list:
    """Every configured OpenID Connect and SAML app, from the database and the settings."""
    adapter = get_adapter(request)
    return [app for app in adapter.list_apps(request) if app.provider in SSO_PROVIDER_KINDS]


def sso_domains(request=None) -> dict[str, object]:
    """Domain -> app. When two apps claim a domain, the first one configured wins."""
    mapping: dict[str, object] = {}
    for app in sso_apps(request):
        for domain in sorted(app_domains(app)):
            mapping.setdefault(domain, app)
    return mapping


def app_for_email(request, email: str):
    """The app that signs in ``email``, or ``None`` when its domain has none."""
    domain = email_domain(email)
    if not domain:
        return None
    return sso_domains(request).get(domain)


def app_signs_in(app, email: str) -> bool:
    """Whether ``app`` may vouch for ``email``: its domain is one of the app's."""
    domain = email_domain(email)
    return bool(domain) and domain in app_domains(app)


def _origin(url) -> str | None:
    parts = urlsplit(url or "") if isinstance(url, str) else None
    if parts and parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def app_origins(app) -> set[str]:
    """Where the e-mail step sends the browser for this app: the OpenID Connect server's
    origin, or the SAML IdP's sign-in (or metadata) origin, plus any listed under
    ``form_action_origins`` (an authorization endpoint on another host)."""
    settings = app.settings or {}
    urls = [settings.get("server_url")]
    idp = settings.get("idp") or {}
    if isinstance(idp, dict):
        urls += [idp.get("sso_url"), idp.get("metadata_url")]
    urls += list(settings.get("form_action_origins") or [])
    return {origin for origin in map(_origin, urls) if origin}


def sso_origins(request=None) -> list[str]:
    """Every identity provider's origin, for the e-mail step's form-action."""
    return sorted(set().union(*(app_origins(app) for app in sso_apps(request))))
