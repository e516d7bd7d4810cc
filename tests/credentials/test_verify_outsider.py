"""Verify a credential the way an outsider would: only public URLs, a JOSE library Spoke does
not sign with (PyJWT + cryptography), our own OB 3.0 schema, and the published status list.
"""

import base64
import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import jwt as pyjwt
import pytest
from django.urls import reverse
from django.utils import timezone

from credentials import keys
from credentials.models import STATUS_LIST_SIZE
from credentials.services import roster_credentials_sync
from tests.credentials.conftest import (
    award,
    complete_course,
    credentials_of,
    join_roster,
    roster_move,
)

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parent / "schema" / "open_badge_credential.schema.json").read_text()
)
REGISTERED = {"iss", "jti", "nbf", "sub", "exp", "iat"}


def path_of(url: str) -> str:
    """An absolute URL of the site as the test client asks for it."""
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https"), url
    assert parts.netloc == "testserver", url
    return parts.path


def fetch_jwt(client, credential) -> str:
    response = client.get(reverse("credentials:jwt", args=[credential.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    return response.content.decode("ascii")


def fetch_json(client, credential) -> dict:
    response = client.get(reverse("credentials:json", args=[credential.token]))
    assert response.status_code == 200
    return json.loads(response.content)


def verify(client, token: str) -> dict:
    """Check the signature against the key the issuer publishes; return the payload."""
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    unverified = pyjwt.decode(token, options={"verify_signature": False})
    issuer_url = unverified["iss"]
    assert header["kid"].startswith(issuer_url + "#")
    profile = client.get(path_of(issuer_url)).json()
    assert profile["id"] == issuer_url
    assert "Profile" in profile["type"]
    matching = [jwk for jwk in profile["jwks"]["keys"] if jwk["kid"] == header["kid"]]
    assert len(matching) == 1, "the kid resolves to exactly one published key"
    public_key = pyjwt.PyJWK(matching[0], algorithm="EdDSA").key
    # Raises InvalidSignatureError when a byte of the token was changed.
    return pyjwt.decode(
        token,
        key=public_key,
        algorithms=["EdDSA"],
        options={"require": ["iss", "jti", "nbf"], "verify_aud": False},
    )


def status_bit(client, document: dict) -> bool:
    """Whether the credential's bit is set in the status list it names (the signed one)."""
    entry = document["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    token = client.get(path_of(entry["statusListCredential"])).content.decode("ascii")
    status_credential = verify(client, token)
    assert "BitstringStatusListCredential" in status_credential["type"]
    subject = status_credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u"), "multibase base64url"
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    assert len(bits) * 8 >= STATUS_LIST_SIZE == 131_072
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def without_registered_claims(payload: dict) -> dict:
    return {name: value for name, value in payload.items() if name not in REGISTERED}


@pytest.fixture
def earned(signing_key, learner, course, competency, trainer, committed):
    complete_course(learner, course, committed)
    award(learner, competency, 3, trainer, committed)
    join_roster(learner, committed)
    return {credential.kind: credential for credential in credentials_of(learner)}


def test_every_kind_verifies_from_its_public_url(client, earned):
    """Course, competency and roster credentials: the signature checks out with the
    published key, the payload is the JSON download, and the JSON meets the OB 3.0 schema."""
    assert set(earned) == {"course", "competency", "roster"}
    for credential in earned.values():
        payload = verify(client, fetch_jwt(client, credential))
        document = fetch_json(client, credential)
        assert without_registered_claims(payload) == document
        assert payload["iss"] == document["issuer"]["id"]
        assert payload["jti"] == document["id"]
        assert payload["nbf"] == int(
            timezone.datetime.fromisoformat(document["validFrom"]).timestamp()
        )
        jsonschema.validate(document, SCHEMA)
        assert document["@context"][:2] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert status_bit(client, document) is False


def test_competency_badge_aligns_with_the_framework(client, earned):
    """The competency's badge names the framework entry it stands for and the kinds of
    evidence, never what a learner or trainer wrote."""
    document = fetch_json(client, earned["competency"])
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Competency"
    (alignment,) = achievement["alignment"]
    assert alignment["targetName"] == "Answering complaints"
    assert alignment["targetUrl"].endswith("#competency-answering-complaints")
    assert [item["name"] for item in document["evidence"]] == ["Awarded by a trainer"]
    assert "well done" not in json.dumps(document)


def test_a_changed_token_fails_verification(client, earned):
    """The check can fail: one character of the payload changed and PyJWT refuses it."""
    token = fetch_jwt(client, earned["course"])
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Something else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(pyjwt.InvalidSignatureError):
        verify(client, f"{header}.{forged_payload}.{signature}")


def test_the_schema_rejects_what_ob3_forbids(client, earned):
    """The shipped schema is no rubber stamp: a credential without criteria or the OB
    context fails it."""
    document = fetch_json(client, earned["course"])
    broken = json.loads(json.dumps(document))
    del broken["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
    broken = json.loads(json.dumps(document))
    broken["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_a_revoked_credential_reads_revoked_in_the_status_list(client, earned, learner, committed):
    """The roster membership ends: its credential's bit is set, the others' are not."""
    roster_move(learner.roster_memberships.get(), "lapsed", committed)
    roster = learner.credentials.get(kind="roster")
    assert roster.revoked_at is not None
    assert status_bit(client, fetch_json(client, roster)) is True
    assert status_bit(client, fetch_json(client, earned["course"])) is False
    # Still a valid signature: revocation is in the list, not in the credential.
    verify(client, fetch_jwt(client, roster))


def test_the_json_status_list_says_the_same(client, earned, learner, now):
    """The unsigned JSON form of the list carries the same bits."""
    membership = learner.roster_memberships.get()
    membership.status = "removed"
    membership.save()
    roster_credentials_sync(user=learner, now=now)
    roster = learner.credentials.get(kind="roster")
    response = client.get(reverse("credentials:status_list_json", args=[roster.status_list]))
    encoded = response.json()["credentialSubject"]["encodedList"]
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    index = roster.status_index
    assert bits[index // 8] & (0x80 >> (index % 8))
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_rotation_keeps_old_credentials_verifiable(
    client, signing_key, learner, course, committed, manager
):
    """After a rotation, a credential signed with the old key still verifies through the
    issuer profile, and new ones are signed with the new key."""
    complete_course(learner, course, committed)
    old = learner.credentials.get()
    new_key = keys.key_create(retire_current=True)
    complete_course(manager, course, committed)
    new = manager.credentials.get()
    assert old.kid == signing_key.kid != new.kid == new_key.kid
    old_payload = verify(client, fetch_jwt(client, old))
    new_payload = verify(client, fetch_jwt(client, new))
    assert old_payload["jti"] != new_payload["jti"]
    assert pyjwt.get_unverified_header(fetch_jwt(client, new))["kid"].endswith(new_key.kid)
    profile = client.get(reverse("credentials:issuer")).json()
    assert len(profile["jwks"]["keys"]) == 2
    assert all("d" not in jwk for jwk in profile["jwks"]["keys"]), "no private part published"


def test_issuer_profile_without_keys_is_still_a_profile(client, db):
    """Before any key exists the profile answers, with an empty key set."""
    profile = client.get(reverse("credentials:issuer")).json()
    assert profile["jwks"] == {"keys": []}
    assert "Profile" in profile["type"]
