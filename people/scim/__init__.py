"""SCIM 2.0 provisioning (RFC 7643, RFC 7644): an identity provider (Entra ID, Okta) creates,
updates and switches off people at ``/scim/v2/``.

- ``protocol``: the SCIM vocabulary: errors, filters, paging, the discovery documents.
- ``services``: bearer tokens, and turning SCIM requests into changes of people.
- ``views`` and ``urls``: the endpoints, token-authenticated only.

See docs/provisioning.md.
"""
