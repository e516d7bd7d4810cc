"""Open Badges 3.0 documents and their VC-JWT securing.

Shapes follow the 1EdTech Open Badges 3.0 specification (``OpenBadgeCredential`` on the
W3C Verifiable Credentials Data Model 2.0) and its JSON Web Token proof format: the JWS
payload is the credential itself, with the registered claims ``iss`` (the issuer's id),
``jti`` (the credential's id), ``nbf`` (``validFrom``) and, when the subject has an id,
``sub``; the protected header names the algorithm (``EdDSA``, Ed25519) and the key
(``kid``: the issuer profile's URL and ``#key-N``). Revocation is a W3C Bitstring Status
List: one bit per credential, gzip-compressed and multibase base64url-encoded.
"""

from __future__ import annotations

import base64
import gzip
import warnings
from datetime import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import OKPKey

from .models import STATUS_LIST_SIZE, Credential, SigningKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ALGORITHM = "EdDSA"
JWT_MEDIA_TYPE = "application/vc+jwt"
ACHIEVEMENT_TYPES = {
    Credential.Kind.COURSE: "CertificateOfCompletion",
    Credential.Kind.COMPETENCY: "Competency",
    Credential.Kind.ROSTER: "Membership",
}
REGISTERED_CLAIMS = ("iss", "jti", "nbf", "sub")


def absolute(path: str) -> str:
    """``path`` on the site's public address."""
    return urljoin(settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/", path.lstrip("/"))


def issuer_url() -> str:
    return absolute(reverse("credentials:issuer"))


def kid_url(kid: str) -> str:
    """The ``kid`` a JWT names: the issuer profile's URL and the key's fragment."""
    return f"{issuer_url()}#{kid}"


def status_list_url(number: int) -> str:
    return absolute(reverse("credentials:status_list", args=[number]))


def rfc3339(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _issuer(name: str) -> dict:
    return {
        "id": issuer_url(),
        "type": ["Profile"],
        "name": name,
        "url": absolute("/"),
    }


def achievement_document(
    *, credential: Credential, achievement_id: str, alignment: dict | None
) -> dict:
    achievement = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[credential.kind],
        "name": credential.name,
        "description": credential.description,
        "criteria": {"narrative": credential.criteria},
        "creator": _issuer(credential.issuer_name),
    }
    if alignment:
        achievement["alignment"] = [alignment]
    return achievement


def credential_document(
    *, credential: Credential, achievement_id: str, alignment: dict | None = None
) -> dict:
    """The unsecured ``OpenBadgeCredential`` for ``credential`` (its fields set)."""
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{credential.uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.name,
        "description": credential.description,
        "issuer": _issuer(credential.issuer_name),
        "validFrom": rfc3339(credential.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # No holder id (people have no DID): the subject is named, as on the certificate.
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": credential.holder_name,
                }
            ],
            "achievement": achievement_document(
                credential=credential, achievement_id=achievement_id, alignment=alignment
            ),
        },
        "credentialStatus": {
            "id": f"{status_list_url(credential.status_list)}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(credential.status_index),
            "statusListCredential": status_list_url(credential.status_list),
        },
    }
    if credential.evidence_kinds:
        document["evidence"] = [
            {
                "type": ["Evidence"],
                "name": item["label"],
                "description": item["description"],
            }
            for item in credential.evidence_kinds
        ]
    return document


def jwt_claims(document: dict) -> dict:
    """The JWT claims set: the credential, plus the registered claims it maps to."""
    claims = dict(document)
    issuer = document["issuer"]
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = document["id"]
    claims["nbf"] = int(datetime.fromisoformat(document["validFrom"]).timestamp())
    subject_id = document.get("credentialSubject", {}).get("id")
    if subject_id:
        claims["sub"] = subject_id
    return claims


def sign(*, document: dict, key: SigningKey, private: OKPKey) -> str:
    """``document`` secured as a compact JWS (a VC-JWT) with ``key``."""
    header = {"alg": ALGORITHM, "typ": "vc+jwt", "cty": "vc", "kid": kid_url(key.kid)}
    with warnings.catch_warnings():
        # joserfc prefers the newer "Ed25519" name; Open Badges 3.0 and its verifiers
        # expect "EdDSA", which is the same signature.
        warnings.simplefilter("ignore")
        return jwt.encode(header, jwt_claims(document), private, algorithms=[ALGORITHM])


def issuer_profile(*, name: str, jwks: list[dict]) -> dict:
    """The issuer's public profile, with every public key, current and retired."""
    url = issuer_url()
    keys = [{**jwk, "kid": kid_url(jwk["kid"])} for jwk in jwks]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        **_issuer(name),
        "verificationMethod": [
            {
                "id": key["kid"],
                "type": "JsonWebKey",
                "controller": url,
                "publicKeyJwk": {k: v for k, v in key.items() if k in ("kty", "crv", "x")},
            }
            for key in keys
        ],
        "assertionMethod": [key["kid"] for key in keys],
        "jwks": {"keys": keys},
    }


def encode_status_list(indexes) -> str:
    """Multibase (``u``: base64url, no padding) of the gzip-compressed bitstring with the
    bits of ``indexes`` set; the first index is the left-most bit of the first byte."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_status_list(encoded: str) -> bytes:
    """The raw bitstring of an ``encodedList`` (the inverse of :func:`encode_status_list`)."""
    if not encoded.startswith("u"):
        raise ValueError("not a multibase base64url value")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_list_document(*, number: int, revoked_indexes, now: datetime) -> dict:
    url = status_list_url(number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(),
        "validFrom": rfc3339(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked_indexes),
        },
    }
