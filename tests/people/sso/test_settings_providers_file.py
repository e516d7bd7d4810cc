"""Identity providers from a file (``SPOKE_SSO_PROVIDERS_FILE``) instead of the database."""

import json

from tests.lms.test_settings import run_python

READ = """
import json
from django.conf import settings
print(json.dumps({
    "providers": settings.SOCIALACCOUNT_PROVIDERS,
    "sso_only": settings.SPOKE_SSO_ONLY,
    "trust": settings.SPOKE_SSO_TRUST_IDP_MFA,
}))
"""


def _read(**env):
    result = run_python(READ, DJANGO_SETTINGS_MODULE="lms.settings.local", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_providers_come_from_the_file(tmp_path):
    """Each kind's apps are read from the file; PKCE stays on for OpenID Connect."""
    path = tmp_path / "sso.json"
    apps = {
        "openid_connect": [
            {
                "provider_id": "entra",
                "name": "Acme",
                "client_id": "c",
                "secret": "s",
                "settings": {
                    "server_url": "https://login.example/v2.0",
                    "domains": ["acme.example"],
                },
            }
        ],
        "saml": [{"provider_id": "acme", "name": "Acme", "client_id": "acme", "settings": {}}],
    }
    path.write_text(json.dumps(apps), encoding="utf-8")

    found = _read(SPOKE_SSO_PROVIDERS_FILE=str(path))

    assert found["providers"]["openid_connect"]["APPS"] == apps["openid_connect"]
    assert found["providers"]["openid_connect"]["OAUTH_PKCE_ENABLED"] is True
    assert found["providers"]["saml"]["APPS"] == apps["saml"]


def test_defaults_without_the_file_and_switches():
    """Nothing set: no providers from settings, passwords for everyone, Spoke's own MFA."""
    found = _read()

    assert "APPS" not in found["providers"]["openid_connect"]
    assert (found["sso_only"], found["trust"]) == (False, False)
    assert _read(SPOKE_SSO_ONLY="true", SPOKE_SSO_TRUST_IDP_MFA="true")["sso_only"] is True
