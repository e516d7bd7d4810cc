"""One way in: no page outside allauth takes a password.

The tests walk the whole URLconf, every pattern including those Wagtail, the Django admin
and allauth include, build a concrete address for each (dummy arguments, or real objects
where a password form would only show for one), and ask it for a password: a GET as a
visitor and as a site admin, looking for a password field, and a POST of an e-mail and
password, checking that nobody was logged in and no password changed. Only allauth's views
may take a password, because only there do two-factor, the failed-log-in lockout, e-mail
verification and the domain rule apply.
"""

import itertools
import re
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction, Site

from cms.models import StandardPage
from tests.factories.people import PASSWORD

# The only views allowed to take a password: allauth's (log-in, sign-up, reset, change,
# re-authentication, two-factor). Anything else that legitimately takes one would be
# listed here with the reason; nothing does.
PASSWORD_VIEW_MODULES = ("allauth.",)

# Patterns that lms/urls.py replaces with an address of its own ahead of the include that
# defines them. Their address reaches our stand-in, which the walk checks instead.
REPLACED = {
    "wagtailcore_login",  # Wagtail's front-end log-in -> allauth's
    "wagtailcore_authenticate_with_password",  # shared page passwords: closed
    "wagtaildocs_authenticate_with_password",  # shared document passwords: closed
    "wagtailadmin_login",  # the Wagtail admin's log-in -> allauth's
    "admin:login",  # the Django admin's log-in -> allauth's
    "admin:password_change",  # the Django admin's password change -> allauth's
    "admin:password_change_done",
    "saml_finish_acs",  # allauth's SAML step -> people.sso's wrapper (no password either way)
}

NEW_PASSWORD = "a-brand-new-passphrase-42"

# A password box, or any field named for a password (a shared page password is typed in
# a plain text box); the admin's privacy forms come as HTML inside JSON, quotes escaped.
PASSWORD_INPUT = re.compile(
    r"""(type\s*=\s*\\?["']?password\b)|(name\s*=\s*\\?["']?[\w-]*password)""", re.IGNORECASE
)

# Sample values tried for an argument, in order, until the address resolves to the pattern.
SAMPLES = ("1", "x", "x/", "00000000-0000-0000-0000-000000000000", "")


def _leaves(patterns, chain=(), namespace="") -> Iterator[tuple[tuple, URLPattern, str]]:
    """Every URLPattern with the chain of patterns above it and its full name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _leaves(pattern.url_patterns, (*chain, pattern), inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield (*chain, pattern), pattern, name


def _regex(chain) -> str:
    parts = []
    for piece in chain:
        source = piece.pattern.regex.pattern
        source = source.removeprefix("^").removesuffix(r"\Z").removesuffix("$")
        parts.append(source)
    return "".join(parts)


def _converters(chain) -> dict:
    converters = {}
    for piece in chain:
        converters.update(getattr(piece.pattern, "converters", {}))
    return converters


def _group_body(regex: str, param: str) -> str | None:
    """The sub-pattern of the named group ``param``, with its parentheses balanced."""
    start = regex.find(f"(?P<{param}>")
    if start < 0:
        return None
    depth, index = 0, start
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return regex[start + len(f"(?P<{param}>") : index]
        index += 1
    return None


def _candidates(param: str, regex: str, converters: dict, real: dict) -> tuple[str, ...]:
    if param in real:
        return (str(real[param]),)
    converter = converters.get(param)
    if isinstance(converter, IntConverter):
        return ("1",)
    if isinstance(converter, UUIDConverter):
        return ("00000000-0000-0000-0000-000000000000",)
    # A regex group such as ``(?P<app_label>auth|wagtaildocs)``: the first thing it accepts.
    body = _group_body(regex, param)
    first = body.split("|")[0] if body else ""
    own = [template for template, params in normalize(first) if not params] if first else []
    return (*own[:1], *SAMPLES)


def _build(chain, leaf, real: dict) -> tuple[str | None, str | None]:
    """An address for the pattern, and the address it falls to when another pattern
    answers it instead (a replaced pattern)."""
    converters, regex = _converters(chain), _regex(chain)
    fallback = None
    for template, params in normalize(regex):
        choices = [_candidates(param, regex, converters, real) for param in params]
        for values in itertools.product(*choices):
            url = "/" + template % dict(zip(params, values, strict=True))
            try:
                match = resolve(url)
            except Resolver404:
                continue
            if match.func is leaf.callback:
                return url, None
            fallback = fallback or url
    return None, fallback


def _view_module(func) -> str:
    view_class = getattr(func, "view_class", None)
    return (view_class or func).__module__


def _has_password_field(response) -> bool:
    if PASSWORD_INPUT.search(response.content.decode(errors="replace")):
        return True
    contexts = response.context or []
    if not isinstance(contexts, list):
        contexts = [contexts]
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and any(
                isinstance(field.widget, forms.PasswordInput) or "password" in name
                for name, field in value.fields.items()
            ):
                return True
    return False


@pytest.fixture
def world(site_admin):
    """Real objects for the patterns whose password form needs one to show.

    The site admin's address is confirmed, so allauth's own log-in lets them in: the walk
    shows that the POST check sees a log-in when there is one.
    """
    EmailAddress.objects.create(
        user=site_admin, email=site_admin.email, primary=True, verified=True
    )
    home = Site.objects.get(is_default_site=True).root_page
    private = StandardPage(title="Private", slug="private-notes")
    home.add_child(instance=private)
    # Made directly: the admin no longer offers shared passwords.
    page_restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="shared-secret"
    )
    collection = Collection.get_first_root_node()
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="shared-secret",
    )
    by_name = {
        "wagtailcore_authenticate_with_password": {
            "page_view_restriction_id": page_restriction.pk,
            "page_id": private.pk,
        },
        "wagtaildocs_authenticate_with_password": {"restriction_id": collection_restriction.pk},
        "wagtailadmin_pages:set_privacy": {"page_id": private.pk},
        "wagtailadmin_pages:edit": {"page_id": private.pk},
        "wagtailadmin_collections:set_privacy": {"collection_id": collection.pk},
        "wagtailusers_users:edit": {"pk": site_admin.pk},
    }
    return by_name


def _addresses(world) -> tuple[list[tuple[str, str]], set[str], list[str]]:
    """(name, address) of every pattern, the names answered by a replacement, and the
    patterns no address could be built for."""
    addresses, replaced, unbuilt = [], set(), []
    for chain, leaf, name in _leaves(get_resolver().url_patterns):
        url, fallback = _build(chain, leaf, world.get(name, {}))
        label = name or _regex(chain)
        if url:
            addresses.append((label, url))
        elif fallback:
            replaced.add(label)
            addresses.append((label, fallback))
        else:
            unbuilt.append(label)
    return addresses, replaced, unbuilt


def _isolated(do):
    """Run one request in a savepoint that is rolled back: POSTs to admin views with
    made-up data must not change what the next request sees."""
    with transaction.atomic():
        result = do()
        transaction.set_rollback(True)
    return result


def test_every_pattern_gets_an_address(db, world):
    """The walk reaches every pattern; those that answer elsewhere are exactly the ones
    lms/urls.py replaces."""
    addresses, replaced, unbuilt = _addresses(world)

    assert not unbuilt, f"no address could be built for: {unbuilt}"
    assert replaced == REPLACED
    assert len(addresses) > 300  # Wagtail's admin alone has hundreds


def test_no_page_outside_allauth_shows_a_password_field(db, world, site_admin):
    """GET every address as a visitor and as a site admin: only allauth asks for a
    password."""
    addresses, _, _ = _addresses(world)
    offenders, allauth_forms = [], 0
    for label, url in addresses:
        module = _view_module(resolve(url).func)
        for who in ("visitor", "site admin"):
            client = Client(raise_request_exception=False)
            if who == "site admin":
                client.force_login(site_admin)
            response = _isolated(lambda client=client, url=url: client.get(url))
            if not _has_password_field(response):
                continue
            if module.startswith(PASSWORD_VIEW_MODULES):
                allauth_forms += 1
            else:
                offenders.append(f"{who}: {label} {url} ({module})")

    assert not offenders, "password fields outside allauth:\n" + "\n".join(offenders)
    assert allauth_forms >= 4  # the check sees allauth's own log-in, sign-up, reset, re-auth


def test_no_page_outside_allauth_logs_in_or_changes_a_password(db, world, site_admin, learner):
    """POST an e-mail and password to every address as a visitor and as a site admin:
    nobody is logged in and no password changes, except through allauth."""
    addresses, _, _ = _addresses(world)
    data = {
        "login": site_admin.email,
        "username": site_admin.email,
        "email": site_admin.email,
        "password": PASSWORD,
        "old_password": PASSWORD,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        "user": str(learner.pk),
    }
    offenders, allauth_logins = [], 0
    for label, url in addresses:
        module = _view_module(resolve(url).func)
        for who in ("visitor", "site admin"):
            client = Client(raise_request_exception=False)
            if who == "site admin":
                client.force_login(site_admin)

            def post(client=client, url=url, who=who):
                client.post(url, data)
                logged_in = who == "visitor" and SESSION_KEY in client.session
                changed = [
                    person.email
                    for person in (site_admin, learner)
                    if not type(person).objects.get(pk=person.pk).check_password(PASSWORD)
                ]
                return logged_in, changed

            logged_in, changed = _isolated(post)
            if not (logged_in or changed):
                continue
            if module.startswith(PASSWORD_VIEW_MODULES):
                allauth_logins += 1
            else:
                offenders.append(f"{who}: {label} {url} ({module}) {logged_in=} {changed=}")

    assert not offenders, "passwords taken outside allauth:\n" + "\n".join(offenders)
    assert allauth_logins >= 1  # allauth's own log-in takes the password: the check works


def test_replaced_admin_pages_go_to_allauth(client, db, site_admin):
    """The old log-in and password addresses lead to allauth's pages, keeping ``next``."""
    response = client.get("/_util/login/?next=/private-notes/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/accounts/login/?next=%2Fprivate-notes%2F"
    assert client.post("/_util/login/", {"username": "x"}).status_code == (
        HTTPStatus.METHOD_NOT_ALLOWED
    )

    client.force_login(site_admin)
    response = client.get("/django-admin/password_change/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/accounts/password/change/"
