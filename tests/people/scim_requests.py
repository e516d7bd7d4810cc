"""The requests identity providers send to a SCIM server, written out as they send them:
Microsoft Entra ID's provisioning service and Okta's SCIM client. Bodies follow what each
vendor documents for its SCIM 2.0 integration (Entra's capitalised ``op`` values and string
booleans in PATCH; Okta's path-less ``replace`` with a ``{"active": false}`` value, and the
password it sends on create), with our own names and ids.
"""

import json

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def entra_headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/scim+json",
        "Content-Type": "application/scim+json; charset=utf-8",
        "User-Agent": "Microsoft.Identity.Provisioning",
        "client-request-id": "5c1f0e2a-3b9d-4e57-9d8e-7f4b2a6c1d10",
    }


def okta_headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/scim+json",
        "Content-Type": "application/scim+json; charset=utf-8",
        "User-Agent": "Okta SCIM Client 1.0.0",
    }


# --- Entra ID ------------------------------------------------------------------------------

# "Test connection" in Entra looks up a user name that cannot exist.
ENTRA_TEST_CONNECTION_FILTER = 'userName eq "b1f4a1d9-2e0c-4c6e-a0b5-4fd87c6e9c3a"'


def entra_create(*, email="ana.lima@spoke.example", department="Support") -> dict:
    return {
        "schemas": [CORE, ENTERPRISE],
        "externalId": "ana.lima",
        "userName": email,
        "active": True,
        "displayName": "Ana Lima",
        "title": "Support agent",
        "preferredLanguage": "pt-BR",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "phoneNumbers": [{"type": "work", "value": "+31 20 555 0101"}],
        "addresses": [{"type": "work", "country": "NL", "primary": False}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ana Lima", "familyName": "Lima", "givenName": "Ana"},
        "roles": [],
        ENTERPRISE: {"department": department, "employeeNumber": "1001"},
    }


def entra_patch_attributes(*, manager_id: str) -> dict:
    return {
        "schemas": [PATCH_OP],
        "Operations": [
            {"op": "Replace", "path": "name.givenName", "value": "Ana Clara"},
            {"op": "Replace", "path": "name.familyName", "value": "Lima Berg"},
            {"op": "Replace", "path": "displayName", "value": "Ana Clara Lima Berg"},
            {"op": "Replace", "path": "title", "value": "Team lead"},
            {"op": "Add", "path": 'emails[type eq "work"].value', "value": "x@elsewhere.example"},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "sales"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager_id},
        ],
    }


def entra_patch_active(value: str) -> dict:
    """Entra ID sends booleans in PATCH as the strings "True" and "False"."""
    return {
        "schemas": [PATCH_OP],
        "Operations": [{"op": "Replace", "path": "active", "value": value}],
    }


ENTRA_REMOVE_MANAGER = {
    "schemas": [PATCH_OP],
    "Operations": [{"op": "Remove", "path": f"{ENTERPRISE}:manager"}],
}


# --- Okta ----------------------------------------------------------------------------------


def okta_create(*, email="bo.berg@spoke.example") -> dict:
    return {
        "schemas": [CORE],
        "userName": email,
        "name": {"givenName": "Bo", "familyName": "Berg"},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": "Bo Berg",
        "locale": "en-US",
        "externalId": "00u1abcdEFGHijkl0h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def okta_replace(*, person_id: str, email="bo.berg@spoke.example") -> dict:
    return {
        "schemas": [CORE, ENTERPRISE],
        "id": person_id,
        "userName": email,
        "name": {"givenName": "Bo", "familyName": "Berg-Lima"},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "active": True,
        "groups": [],
        "meta": {"resourceType": "User"},
        ENTERPRISE: {"department": "Support"},
    }


OKTA_DEACTIVATE = {
    "schemas": [PATCH_OP],
    "Operations": [{"op": "replace", "value": {"active": False}}],
}
OKTA_REACTIVATE = {
    "schemas": [PATCH_OP],
    "Operations": [{"op": "replace", "value": {"active": True}}],
}


def dumps(body) -> str:
    return json.dumps(body)
