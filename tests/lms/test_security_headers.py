"""Content-Security-Policy and Permissions-Policy: strict on our pages, admin's own on /admin/."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
VIDEO_HOSTS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort",
                   "browsing-topics")  # fmt: skip


def directives(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_common(policy: dict[str, list[str]]) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    for sources in policy.values():
        assert "*" not in sources
        assert "'unsafe-eval'" not in sources


def assert_permissions_policy(response) -> None:
    header = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in header


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_anonymous_pages_get_the_strict_policy(client, name):
    """Log-in, sign-up, reset: no inline script or style allowed, nothing from elsewhere."""
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    policy = directives(response)
    assert_common(policy)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert sorted(policy["frame-src"]) == sorted(VIDEO_HOSTS)
    assert_permissions_policy(response)


@pytest.mark.parametrize("fixture", ["learner", "manager", "trainer", "hr", "lead", "site_admin"])
def test_signed_in_pages_get_the_strict_policy(client, request, fixture):
    """The dashboard of every role is served under the strict policy."""
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("dashboard"))
    assert response.status_code == HTTPStatus.OK
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert_common(policy)
    assert_permissions_policy(response)


def test_error_pages_get_the_policy_too(client, learner):
    """A 404 is a page like any other: it carries the headers."""
    client.force_login(learner)
    response = client.get("/no-such-page-here/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert directives(response)["script-src"] == ["'self'"]
    assert_permissions_policy(response)


@pytest.mark.parametrize("path", ["/admin/", "/admin/snippets/cms/platform/", "/django-admin/"])
def test_admin_gets_its_own_policy(client, site_admin, path):
    """The admin allows inline script and style, and nothing else beyond the site's policy."""
    client.force_login(site_admin)
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    policy = directives(response)
    assert_common(policy)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'self'" in policy["frame-src"]
    assert_permissions_policy(response)


def test_admin_policy_stops_at_the_admin_paths(client, trainer):
    """A path that only starts like the admin's is not the admin: strict policy."""
    client.force_login(trainer)
    response = client.get("/administration/")
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_media_served_from_another_origin_is_allowed_for_images(client, settings):
    """With media on S3-compatible storage or a CDN, its origin joins img-src and media-src."""
    settings.MEDIA_URL = "https://media.spoke-files.example/uploads/"
    policy = directives(client.get(reverse("account_login")))
    assert "https://media.spoke-files.example" in policy["img-src"]
    assert "https://media.spoke-files.example" in policy["media-src"]
    assert policy["script-src"] == ["'self'"]


# --- Our templates stay inline-free --------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def served_templates() -> list[Path]:
    """Every template of ours that a browser renders outside the admin.

    E-mail templates (read by mail clients, not under the site's headers) and templates of
    admin views (under the admin's policy) are left out.
    """
    found = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        parts = path.relative_to(ROOT).parts
        if ".venv" in parts or "email" in parts or "admin" in parts or "wagtailadmin" in parts:
            continue
        found.append(path)
    return found


def test_the_template_scan_sees_our_pages():
    """The scan below covers the base layout and each app's pages."""
    names = {path.relative_to(ROOT).as_posix() for path in served_templates()}
    assert "templates/base.html" in names
    assert "reports/templates/reports/includes/bar.html" in names
    assert len(names) > 50


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script>"),
        (EVENT_HANDLER, "an inline event handler"),
        (JAVASCRIPT_URL, "a javascript: URL"),
        (STYLE_ATTRIBUTE, "a style attribute"),
    ],
)
def test_no_template_of_ours_needs_unsafe_inline(pattern, what):
    """Scripts live in static/ files and styles in classes, as the policy requires."""
    offenders = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in served_templates()
        for text in [path.read_text()]
        for match in pattern.finditer(text)
    ]
    assert offenders == [], f"{what} in {offenders}"
