"""The part of SCIM 2.0 that Spoke speaks: error bodies, the one filter identity providers
send, paging, and the discovery documents (``ServiceProviderConfig``, ``Schemas``,
``ResourceTypes``).

Filters are deliberately narrow: ``userName eq "…"`` and ``externalId eq "…"`` are what Entra
ID and Okta send to find a person before creating them. Anything else is refused with
``invalidFilter`` rather than guessed at, so no filter text ever reaches a query except as a
value compared for equality.
"""

import re
from dataclasses import dataclass
from http import HTTPStatus

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"

CONTENT_TYPE = "application/scim+json"
MAX_RESULTS = 200  # the most people one page lists, whatever ``count`` asks for
DEFAULT_COUNT = 100
MAX_FILTER_LENGTH = 512


class ScimError(Exception):
    """A request Spoke refuses, answered as a SCIM error body with ``status``."""

    def __init__(self, status: HTTPStatus, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def body(self) -> dict:
        body = {"schemas": [ERROR], "status": str(int(self.status)), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def bad_request(detail: str, scim_type: str = "invalidValue") -> ScimError:
    return ScimError(HTTPStatus.BAD_REQUEST, detail, scim_type)


# --- Filters -------------------------------------------------------------------------------

FILTERABLE = {"username": "userName", "externalid": "externalId"}
_FILTER = re.compile(
    r'^\s*(?P<attribute>[A-Za-z]+)\s+(?P<operator>[A-Za-z]+)\s+"(?P<value>(?:[^"\\]|\\.)*)"\s*$'
)


@dataclass(frozen=True)
class Filter:
    attribute: str  # "userName" or "externalId"
    value: str


def filter_parse(text: str | None) -> Filter | None:
    """``userName eq "ana@example.com"`` (or ``externalId eq``), or None for no filter.
    Attribute and operator names are case-insensitive, as RFC 7644 says."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_FILTER_LENGTH:
        raise bad_request("The filter is too long.", "invalidFilter")
    match = _FILTER.match(text)
    if match is None:
        raise bad_request(
            'Only filters of the form userName eq "value" or externalId eq "value" are supported.',
            "invalidFilter",
        )
    attribute = FILTERABLE.get(match["attribute"].lower())
    if attribute is None or match["operator"].lower() != "eq":
        raise bad_request(
            'Only "userName eq" and "externalId eq" filters are supported.', "invalidFilter"
        )
    value = re.sub(r"\\(.)", r"\1", match["value"])
    if "\x00" in value:
        raise bad_request("The filter value contains a NUL character.", "invalidFilter")
    return Filter(attribute=attribute, value=value)


# --- Paging --------------------------------------------------------------------------------


def _integer(value: str | None, *, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if not re.fullmatch(r"\s*[+-]?\d{1,12}\s*", value):
        raise bad_request(f"{name} must be a whole number.")
    return int(value)


def paging_parse(start_index: str | None, count: str | None) -> tuple[int, int]:
    """``(startIndex, count)`` as RFC 7644 §3.4.2.4 reads them: a start below 1 is 1, a
    negative count is 0, and a count above :data:`MAX_RESULTS` is cut to it."""
    start = max(1, _integer(start_index, name="startIndex", default=1))
    wanted = _integer(count, name="count", default=DEFAULT_COUNT)
    return start, min(max(0, wanted), MAX_RESULTS)


def list_response(resources: list[dict], *, total: int, start: int) -> dict:
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


# --- Discovery -----------------------------------------------------------------------------


def service_provider_config(*, base: str) -> dict:
    return {
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token made with manage.py scim_token_create, sent as "
                "'Authorization: Bearer <token>'.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": base + "ServiceProviderConfig",
        },
    }


def _attribute(name: str, *, type_: str = "string", required: bool = False, **extra) -> dict:
    return {
        "name": name,
        "type": type_,
        "multiValued": False,
        "required": required,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
        **extra,
    }


USER_SCHEMA = {
    "id": CORE_USER,
    "name": "User",
    "description": "A person at the company.",
    "attributes": [
        _attribute(
            "userName",
            required=True,
            uniqueness="server",
            description="The person's e-mail address; it is how they sign in.",
        ),
        _attribute("externalId", caseExact=True),
        _attribute(
            "name",
            type_="complex",
            subAttributes=[
                _attribute("givenName"),
                _attribute("familyName"),
                _attribute("formatted", mutability="readOnly"),
            ],
        ),
        _attribute("displayName", mutability="readOnly"),
        _attribute(
            "active",
            type_="boolean",
            description="false switches the person off (see docs/provisioning.md).",
        ),
        {
            **_attribute(
                "emails",
                type_="complex",
                mutability="readOnly",
                subAttributes=[
                    _attribute("value"),
                    _attribute("type"),
                    _attribute("primary", type_="boolean"),
                ],
            ),
            "multiValued": True,
        },
    ],
}

ENTERPRISE_SCHEMA = {
    "id": ENTERPRISE_USER,
    "name": "EnterpriseUser",
    "description": "The unit and manager of a person.",
    "attributes": [
        _attribute(
            "department", description="The name or code of a business unit that exists in Spoke."
        ),
        _attribute(
            "manager",
            type_="complex",
            subAttributes=[
                _attribute("value", description="The manager's SCIM id."),
                _attribute("displayName", mutability="readOnly"),
            ],
        ),
    ],
}


def schemas(*, base: str) -> list[dict]:
    return [
        {
            **schema,
            "schemas": [SCHEMA],
            "meta": {"resourceType": "Schema", "location": f"{base}Schemas/{schema['id']}"},
        }
        for schema in (USER_SCHEMA, ENTERPRISE_SCHEMA)
    ]


def resource_types(*, base: str) -> list[dict]:
    return [
        {
            "schemas": [RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "People",
            "schema": CORE_USER,
            "schemaExtensions": [{"schema": ENTERPRISE_USER, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": base + "ResourceTypes/User"},
        }
    ]
