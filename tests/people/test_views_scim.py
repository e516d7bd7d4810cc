"""SCIM 2.0 provisioning at /scim/v2/, driven by the requests Entra ID and Okta send
(``scim_requests``), and by hostile ones."""

import json
from http import HTTPStatus

import pytest
from django.core.cache import cache
from wagtail.models import ModelLogEntry

from cohorts.models import Enrollment
from people.models import ScimToken, User
from people.scim.services import scim_token_create, scim_token_revoke
from tests.factories import BusinessUnitFactory, EnrollmentFactory, UserFactory

from . import scim_requests as sent
from .scim_requests import ENTERPRISE

pytestmark = pytest.mark.django_db
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token():
    return scim_token_create(name="Entra ID")[1]


@pytest.fixture
def units():
    return {
        "support": BusinessUnitFactory(name="Support", slug="support"),
        "sales": BusinessUnitFactory(name="Field Sales", slug="sales"),
    }


@pytest.fixture
def scim(client, token, django_capture_on_commit_callbacks):
    """``scim(method, path, body, headers=...)``: one request as an identity provider sends
    it (Entra's headers unless others are given), with on-commit work run."""

    def call(method, path, body=None, *, headers=None, raw=None, query=None):
        headers = dict(sent.entra_headers(token) if headers is None else headers)
        content_type = headers.pop("Content-Type", "application/scim+json")
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        with django_capture_on_commit_callbacks(execute=True):
            return client.generic(
                method,
                f"/scim/v2/{path}",
                data=data,
                content_type=content_type,
                headers=headers,
                query_params=query,
            )

    return call


def logged(person, action: str) -> list[ModelLogEntry]:
    return list(
        ModelLogEntry.objects.filter(object_id=str(person.pk), action=action).order_by("pk")
    )


def assert_error(response, status: HTTPStatus, scim_type: str = "") -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(int(status))
    if scim_type:
        assert body["scimType"] == scim_type
    return body


# --- Discovery -----------------------------------------------------------------------------


def test_service_provider_config_says_what_is_supported(scim):
    """PATCH and filtering are on; bulk, sorting, etags and passwords are off."""
    response = scim("GET", "ServiceProviderConfig")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/scim+json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["patch"] == {"supported": True}
    assert body["filter"] == {"supported": True, "maxResults": 200}
    assert body["bulk"]["supported"] is False
    assert body["changePassword"] == {"supported": False}
    assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_schemas_and_resource_types_are_listed_and_found_one_by_one(scim):
    """The User and enterprise schemas, and the User resource type with its extension."""
    schemas = scim("GET", "Schemas").json()
    assert schemas["totalResults"] == 2
    assert [s["id"] for s in schemas["Resources"]] == [sent.CORE, ENTERPRISE]
    enterprise = scim("GET", f"Schemas/{ENTERPRISE}").json()
    assert {a["name"] for a in enterprise["attributes"]} == {"department", "manager"}
    types = scim("GET", "ResourceTypes").json()
    assert types["Resources"][0]["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
    assert scim("GET", "ResourceTypes/User").json()["endpoint"] == "/Users"
    assert_error(scim("GET", "Schemas/urn:nope"), HTTPStatus.NOT_FOUND)
    assert_error(scim("GET", "ResourceTypes/Group"), HTTPStatus.NOT_FOUND)
    assert_error(scim("GET", "Groups"), HTTPStatus.NOT_FOUND)
    assert_error(scim("POST", "ServiceProviderConfig", {}), HTTPStatus.METHOD_NOT_ALLOWED)


# --- Entra ID ------------------------------------------------------------------------------


def test_entra_test_connection_finds_nobody(scim):
    """Entra's "Test connection" filter for a made-up name answers an empty list."""
    response = scim("GET", "Users", query={"filter": sent.ENTRA_TEST_CONNECTION_FILTER})
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": [],
    }


def test_entra_creates_a_person_with_their_unit(scim, units):
    """A create makes the person with name, unit (by name) and external id; what Spoke does
    not keep (title, phones, addresses) is ignored; the address counts as verified; they
    have no password; the action log says the token did it."""
    response = scim("POST", "Users", sent.entra_create())
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    person = User.objects.get(email="ana.lima@spoke.example")
    assert body["id"] == str(person.pk)
    assert response["Location"] == f"http://testserver/scim/v2/Users/{person.pk}"
    assert body["userName"] == "ana.lima@spoke.example"
    assert body["active"] is True
    assert body[ENTERPRISE] == {"department": "Support"}
    assert body["externalId"] == "ana.lima"
    assert (person.first_name, person.last_name, person.unit) == ("Ana", "Lima", units["support"])
    assert person.scim_external_id == "ana.lima"
    assert not person.has_usable_password()
    assert person.emailaddress_set.get().verified
    [entry] = logged(person, "spoke.scim.create")
    assert entry.user is None
    assert entry.data["token"] == "Entra ID"


def test_entra_finds_the_person_by_user_name_ignoring_case(scim, units):
    """The lookup Entra makes before updating finds the person whatever the case."""
    scim("POST", "Users", sent.entra_create())
    response = scim("GET", "Users", query={"filter": 'userName eq "Ana.Lima@SPOKE.example"'})
    body = response.json()
    assert body["totalResults"] == 1
    assert body["Resources"][0]["userName"] == "ana.lima@spoke.example"
    by_external = scim("GET", "Users", query={"filter": 'externalId eq "ana.lima"'}).json()
    assert by_external["totalResults"] == 1


def test_entra_patch_updates_names_unit_by_code_and_manager(scim, units):
    """Entra's capitalised ops: names change, the department matches a unit by its code,
    the manager is set by SCIM id; title, displayName and emails are ignored."""
    boss = UserFactory(email="boss@spoke.example", first_name="Bea", last_name="Boss")
    person_id = scim("POST", "Users", sent.entra_create()).json()["id"]
    response = scim(
        "PATCH", f"Users/{person_id}", sent.entra_patch_attributes(manager_id=str(boss.pk))
    )
    assert response.status_code == HTTPStatus.OK, response.content
    person = User.objects.get(pk=person_id)
    assert (person.first_name, person.last_name) == ("Ana Clara", "Lima Berg")
    assert person.unit == units["sales"]
    assert person.manager == boss
    assert person.email == "ana.lima@spoke.example"
    manager = response.json()[ENTERPRISE]["manager"]
    assert manager["value"] == str(boss.pk)
    assert manager["displayName"] == "Bea Boss"
    [entry] = logged(person, "spoke.scim.update")
    assert set(entry.data["fields"]) == {"first_name", "last_name", "unit", "manager"}

    scim("PATCH", f"Users/{person_id}", sent.ENTRA_REMOVE_MANAGER)
    person.refresh_from_db()
    assert person.manager is None


def test_entra_disables_with_the_string_false_and_enables_with_true(scim, units):
    """ "False" switches the person off with every effect (their place is withdrawn);
    "True" switches them on again; each is in the action log."""
    person_id = scim("POST", "Users", sent.entra_create()).json()["id"]
    enrollment = EnrollmentFactory(user_id=person_id)
    response = scim("PATCH", f"Users/{person_id}", sent.entra_patch_active("False"))
    assert response.status_code == HTTPStatus.OK
    assert response.json()["active"] is False
    person = User.objects.get(pk=person_id)
    assert not person.is_active
    assert person.deactivated_at is not None
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert len(logged(person, "spoke.scim.deactivate")) == 1

    assert scim("PATCH", f"Users/{person_id}", sent.entra_patch_active("True")).json()["active"]
    person.refresh_from_db()
    assert person.is_active
    assert person.deactivated_at is None
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert len(logged(person, "spoke.scim.reactivate")) == 1


def test_entra_delete_deactivates_and_keeps_the_history(scim, units):
    """DELETE answers 204 and switches the person off; nothing is erased."""
    person_id = scim("POST", "Users", sent.entra_create()).json()["id"]
    response = scim("DELETE", f"Users/{person_id}")
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    person = User.objects.get(pk=person_id)
    assert not person.is_active
    assert scim("GET", f"Users/{person_id}").json()["active"] is False
    assert logged(person, "spoke.scim.deactivate")[0].data["request"] == "DELETE"


# --- Okta ----------------------------------------------------------------------------------


def test_okta_lifecycle_create_replace_deactivate_reactivate(client, token, scim, units):
    """Okta looks the person up, creates them (its password is ignored), replaces the
    profile with PUT, and switches them off and on with a path-less replace."""
    headers = sent.okta_headers(token)
    query = {"filter": 'userName eq "bo.berg@spoke.example"', "startIndex": "1", "count": "100"}
    assert scim("GET", "Users", headers=headers, query=query).json()["totalResults"] == 0

    created = scim("POST", "Users", sent.okta_create(), headers=headers)
    assert created.status_code == HTTPStatus.CREATED
    person = User.objects.get(email="bo.berg@spoke.example")
    assert not person.has_usable_password()
    assert not person.is_staff
    assert person.scim_external_id == "00u1abcdEFGHijkl0h7"

    replaced = scim(
        "PUT", f"Users/{person.pk}", sent.okta_replace(person_id=str(person.pk)), headers=headers
    )
    assert replaced.status_code == HTTPStatus.OK, replaced.content
    person.refresh_from_db()
    assert person.last_name == "Berg-Lima"
    assert person.unit == units["support"]

    off = scim("PATCH", f"Users/{person.pk}", sent.OKTA_DEACTIVATE, headers=headers)
    assert off.json()["active"] is False
    person.refresh_from_db()
    assert not person.is_active
    on = scim("PATCH", f"Users/{person.pk}", sent.OKTA_REACTIVATE, headers=headers)
    assert on.json()["active"] is True


# --- Paging and filters --------------------------------------------------------------------


@pytest.fixture
def five(db):
    return [UserFactory(email=f"p{n}@spoke.example") for n in range(5)]


def _ids(response) -> list[str]:
    return [resource["id"] for resource in response.json()["Resources"]]


def test_paging_counts_and_slices(scim, five):
    """startIndex is 1-based; totalResults counts everyone; itemsPerPage the page."""
    everyone = [str(p.pk) for p in User.objects.order_by("pk")]
    response = scim("GET", "Users", query={"startIndex": "2", "count": "2"})
    body = response.json()
    assert body["totalResults"] == len(everyone)
    assert body["startIndex"] == 2
    assert body["itemsPerPage"] == 2
    assert _ids(response) == everyone[1:3]
    beyond = scim("GET", "Users", query={"startIndex": "1000"}).json()
    assert beyond["itemsPerPage"] == 0


@pytest.mark.parametrize(
    ("query", "start", "items"),
    [
        ({"startIndex": "-5", "count": "2"}, 1, 2),  # below 1 is 1 (RFC 7644 3.4.2.4)
        ({"count": "0"}, 1, 0),  # only the total
        ({"count": "-3"}, 1, 0),  # negative is 0
        ({"count": "99999999999"}, 1, None),  # cut to the maximum
    ],
)
def test_paging_reads_odd_numbers_as_the_rfc_says(scim, five, query, start, items):
    """Odd but numeric paging values are read as RFC 7644 says, never as an error."""
    body = scim("GET", "Users", query=query).json()
    assert body["startIndex"] == start
    total = User.objects.count()
    assert body["totalResults"] == total
    assert body["itemsPerPage"] == (total if items is None else items)


@pytest.mark.parametrize("value", ["two", "1e3", "1.5", "1;DROP TABLE"])
def test_paging_refuses_what_is_not_a_number(scim, value):
    """A startIndex that is not a whole number is a 400 invalidValue."""
    assert_error(
        scim("GET", "Users", query={"startIndex": value}), HTTPStatus.BAD_REQUEST, "invalidValue"
    )


def test_a_huge_count_lists_at_most_200(scim):
    """Whatever count asks, a page has at most 200 people."""
    User.objects.bulk_create(User(email=f"bulk{n}@spoke.example") for n in range(205))
    body = scim("GET", "Users", query={"count": "100000"}).json()
    assert body["itemsPerPage"] == 200
    assert body["totalResults"] == User.objects.count()


@pytest.mark.parametrize(
    "text",
    [
        'userName co "ana"',
        'userName eq "a" or userName eq "b"',
        'title eq "boss"',
        'emails[type eq "work"].value eq "a@b.c"',
        'userName eq "x") or (1 eq 1',
        "userName eq ana@spoke.example",
        'userName eq "a" and active eq true',
        "x" * 600,
    ],
)
def test_unsupported_or_injected_filters_are_refused(scim, text):
    """Anything but userName eq / externalId eq is a 400 invalidFilter."""
    assert_error(
        scim("GET", "Users", query={"filter": text}), HTTPStatus.BAD_REQUEST, "invalidFilter"
    )


def test_a_quote_inside_the_value_is_only_compared(scim, five):
    """An escaped quote and SQL in the value are part of the value: nobody matches."""
    text = r'userName eq "p0@spoke.example\" or \"1\"=\"1"'
    body = scim("GET", "Users", query={"filter": text}).json()
    assert body["totalResults"] == 0


def test_the_list_runs_a_fixed_number_of_queries(scim, django_assert_max_num_queries):
    """Listing 30 people with units and managers costs what listing 3 does."""
    unit = BusinessUnitFactory(name="Support")
    boss = UserFactory(unit=unit)
    UserFactory.create_batch(30, unit=unit, manager=boss)
    with django_assert_max_num_queries(6):
        response = scim("GET", "Users", query={"count": "200"})
    assert response.json()["itemsPerPage"] >= 31


# --- Tokens, limits and hostile requests ---------------------------------------------------


def test_no_token_bad_token_and_revoked_token_are_refused(client, token, scim):
    """401 with a Bearer challenge, whatever is wrong with the token."""
    for headers in (
        {},
        {"Authorization": "Bearer spoke_scim_nope"},
        {"Authorization": f"Basic {token}"},
        {"Authorization": token},
    ):
        response = scim("GET", "Users", headers=headers)
        assert_error(response, HTTPStatus.UNAUTHORIZED)
        assert response["WWW-Authenticate"].startswith("Bearer")
    scim_token_revoke(token=ScimToken.objects.get(), by=None)
    assert_error(scim("GET", "Users"), HTTPStatus.UNAUTHORIZED)


def test_a_signed_in_site_admin_without_a_token_is_refused(client, site_admin):
    """No session authentication: the admin's cookie opens nothing here."""
    client.force_login(site_admin)
    response = client.get("/scim/v2/Users")
    assert_error(response, HTTPStatus.UNAUTHORIZED)


def test_token_requests_need_no_csrf_token(token, units):
    """With a token, a POST needs no CSRF cookie (identity providers have none)."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/scim/v2/Users",
        data=json.dumps(sent.entra_create()),
        content_type="application/scim+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == HTTPStatus.CREATED


def test_the_token_is_stored_hashed_and_its_use_recorded(scim, token):
    """Only a digest is kept; "last used" is recorded."""
    row = ScimToken.objects.get()
    assert token not in (row.digest, row.prefix)
    assert row.last_used_at is None
    scim("GET", "Users")
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_guessing_tokens_is_slowed_down(scim):
    """After 20 failed tokens a minute from one address, even a good one waits (429)."""
    for _ in range(20):
        scim("GET", "Users", headers={"Authorization": "Bearer spoke_scim_guess"})
    response = scim("GET", "Users")
    assert_error(response, HTTPStatus.TOO_MANY_REQUESTS)
    assert response["Retry-After"] == "60"


def test_a_token_is_rate_limited(scim, settings):
    """Past the limit per minute a token is answered 429."""
    settings.SPOKE_SCIM_REQUESTS_PER_MINUTE = 3
    statuses = [scim("GET", "Users").status_code for _ in range(4)]
    assert statuses == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]


def test_the_limits_hold_nobody_back_when_the_cache_is_down(scim, monkeypatch):
    """A broken cache lets provisioning through (the token is still checked)."""

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(cache, "get", broken)
    assert scim("GET", "Users").status_code == HTTPStatus.OK


def test_a_large_body_is_refused(scim, units):
    """A body over 64 KB is a 413, and nobody is created."""
    body = sent.entra_create()
    body["title"] = "x" * 70_000
    assert_error(scim("POST", "Users", body), HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    assert not User.objects.filter(email="ana.lima@spoke.example").exists()


@pytest.mark.parametrize(
    "raw", ["{", "not json", '{"schemas": ', "\xff\xfe", "[" * 10_000 + "]" * 10_000]
)
def test_malformed_json_is_a_400(scim, raw):
    """Broken JSON is a 400 invalidSyntax."""
    assert_error(scim("POST", "Users", raw=raw), HTTPStatus.BAD_REQUEST, "invalidSyntax")


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"userName": "a@spoke.example"},
        {"schemas": "urn:ietf:params:scim:schemas:core:2.0:User", "userName": "a@spoke.example"},
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "x"},
    ],
)
def test_a_body_with_the_wrong_schema_is_refused(scim, body):
    """A body that does not declare the User schema is a 400 invalidSyntax."""
    assert_error(scim("POST", "Users", body), HTTPStatus.BAD_REQUEST, "invalidSyntax")


def test_attributes_spoke_does_not_keep_are_ignored(scim, units):
    """Unknown attributes (admin flags, groups, roles, a password) change nothing."""
    body = sent.entra_create()
    body.update(
        is_superuser=True,
        is_staff=True,
        isAdmin=True,
        groups=[{"value": "1"}],
        roles=[{"value": "Site admin"}],
        password="hunter2-hunter2",
    )
    body["urn:example:custom:1.0"] = {"clearance": "top"}
    assert scim("POST", "Users", body).status_code == HTTPStatus.CREATED
    person = User.objects.get(email="ana.lima@spoke.example")
    assert not person.is_superuser
    assert not person.is_staff
    assert not person.groups.exists()
    assert not person.has_usable_password()


def test_a_taken_user_name_is_a_409(scim, units):
    """Creating someone who exists (any case) or renaming onto them is a 409 uniqueness."""
    other = UserFactory(email="ana.lima@spoke.example")
    body = sent.entra_create(email="ANA.LIMA@spoke.example")
    assert_error(scim("POST", "Users", body), HTTPStatus.CONFLICT, "uniqueness")
    second = scim("POST", "Users", sent.entra_create(email="zoe@spoke.example")).json()["id"]
    rename = {
        "schemas": [sent.PATCH_OP],
        "Operations": [{"op": "replace", "path": "userName", "value": other.email}],
    }
    assert_error(scim("PATCH", f"Users/{second}", rename), HTTPStatus.CONFLICT, "uniqueness")


def test_an_unknown_department_is_reported_and_nothing_written(scim, units):
    """A department that matches no unit by name or code is a 400 invalidValue naming it;
    the person is not created (or not changed) until the unit exists."""
    body = assert_error(
        scim("POST", "Users", sent.entra_create(department="Marketing")),
        HTTPStatus.BAD_REQUEST,
        "invalidValue",
    )
    assert "Marketing" in body["detail"]
    assert not User.objects.filter(email="ana.lima@spoke.example").exists()
    person_id = scim("POST", "Users", sent.entra_create()).json()["id"]
    patch = sent.entra_patch_attributes(manager_id="")
    patch["Operations"][5]["value"] = "Marketing"
    assert_error(scim("PATCH", f"Users/{person_id}", patch), HTTPStatus.BAD_REQUEST)
    person = User.objects.get(pk=person_id)
    assert person.first_name == "Ana"
    assert person.unit == units["support"]


@pytest.mark.parametrize(
    "manager", ["999999", "99999999999999", "abc", "1 OR 1=1", {"value": "-1"}]
)
def test_an_unknown_manager_is_refused(scim, units, manager):
    """A manager that is not the SCIM id of a person is a 400 invalidValue."""
    person_id = scim("POST", "Users", sent.entra_create()).json()["id"]
    patch = {
        "schemas": [sent.PATCH_OP],
        "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager}],
    }
    assert_error(scim("PATCH", f"Users/{person_id}", patch), HTTPStatus.BAD_REQUEST, "invalidValue")


def test_a_manager_circle_is_refused(scim, units):
    """Making someone's report their manager is a 400."""
    boss = UserFactory()
    person = UserFactory(manager=boss)
    patch = {
        "schemas": [sent.PATCH_OP],
        "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(person.pk)}],
    }
    assert_error(scim("PATCH", f"Users/{boss.pk}", patch), HTTPStatus.BAD_REQUEST, "invalidValue")
    boss.refresh_from_db()
    assert boss.manager is None


@pytest.mark.parametrize(
    ("operation", "scim_type"),
    [
        ({"op": "Replace", "path": "active", "value": "maybe"}, "invalidValue"),
        ({"op": "Replace", "path": "active", "value": 1}, "invalidValue"),
        ({"op": "Replace", "path": "userName", "value": "not an address"}, "invalidValue"),
        ({"op": "Replace", "path": "name.givenName", "value": "x" * 200}, "invalidValue"),
        ({"op": "Replace", "path": "name.givenName", "value": ["Ana"]}, "invalidValue"),
        ({"op": "Replace", "path": "a b; drop table", "value": "x"}, "invalidPath"),
        ({"op": "Remove", "path": "userName"}, "mutability"),
        ({"op": "Remove"}, "noTarget"),
        ({"op": "Move", "path": "active", "value": "False"}, "invalidSyntax"),
        ({"op": "Replace", "value": "False"}, "invalidValue"),
        ("Replace", "invalidSyntax"),
    ],
)
def test_bad_patch_operations_change_nothing(scim, units, operation, scim_type):
    """Each bad operation is a 400 with its scimType, and earlier good ones are not
    written either."""
    person_id = scim("POST", "Users", sent.entra_create()).json()["id"]
    patch = {
        "schemas": [sent.PATCH_OP],
        "Operations": [{"op": "Replace", "path": "name.givenName", "value": "Changed"}, operation],
    }
    assert_error(scim("PATCH", f"Users/{person_id}", patch), HTTPStatus.BAD_REQUEST, scim_type)
    person = User.objects.get(pk=person_id)
    assert person.first_name == "Ana"
    assert person.is_active


@pytest.mark.parametrize(
    "path", ["Users/0", "Users/99999", "Users/99999999999999", "Users/abc", "Users/1%20OR%201=1"]
)
def test_an_unknown_person_is_a_404(scim, path):
    """Ids that are not a person's are a 404 with a SCIM error."""
    assert_error(scim("GET", path), HTTPStatus.NOT_FOUND)
    assert_error(scim("PATCH", path, sent.OKTA_DEACTIVATE), HTTPStatus.NOT_FOUND)


@pytest.mark.parametrize("path", ["/Users", "Users/", "//Users/"])
def test_slashes_around_the_path_are_tolerated(scim, path):
    """A base URL typed with a trailing slash, or a client adding one, still reaches Users."""
    response = scim("GET", path, query={"filter": sent.ENTRA_TEST_CONNECTION_FILTER})
    assert response.status_code == HTTPStatus.OK
    assert response.json()["totalResults"] == 0


def test_a_superusers_address_and_active_state_are_not_provisioned(scim, site_admin):
    """A token cannot switch off Spoke's break-glass admins or move their address (a stolen
    token must not become a site admin's account); their name may still be updated."""
    rename = {
        "schemas": [sent.PATCH_OP],
        "Operations": [{"op": "replace", "path": "userName", "value": "thief@evil.example"}],
    }
    for method, body in (
        ("PATCH", rename),
        ("PATCH", sent.OKTA_DEACTIVATE),
        ("PATCH", sent.entra_patch_active("False")),
        ("DELETE", None),
    ):
        assert_error(scim(method, f"Users/{site_admin.pk}", body), HTTPStatus.FORBIDDEN)
    site_admin.refresh_from_db()
    assert site_admin.is_active
    assert site_admin.email == "admin@spoke.example"
    named = {
        "schemas": [sent.PATCH_OP],
        "Operations": [{"op": "Replace", "path": "name.givenName", "value": "Adaline"}],
    }
    assert scim("PATCH", f"Users/{site_admin.pk}", named).status_code == HTTPStatus.OK
    site_admin.refresh_from_db()
    assert site_admin.first_name == "Adaline"


def test_a_new_user_name_moves_the_sign_in_address(scim, units):
    """A changed userName (a new surname) becomes the address the person signs in with,
    verified, and the old one no longer exists."""
    from allauth.account.models import EmailAddress

    person_id = scim("POST", "Users", sent.entra_create()).json()["id"]
    rename = {
        "schemas": [sent.PATCH_OP],
        "Operations": [{"op": "Replace", "path": "userName", "value": "Ana.Berg@spoke.example"}],
    }
    body = scim("PATCH", f"Users/{person_id}", rename).json()
    assert body["userName"] == "ana.berg@spoke.example"
    person = User.objects.get(pk=person_id)
    assert person.email == "ana.berg@spoke.example"
    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified")) == [
        ("ana.berg@spoke.example", True)
    ]
