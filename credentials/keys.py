"""The Ed25519 keys that sign credentials.

Private keys are PEM files (mode 0600) in ``settings.SPOKE_CREDENTIALS_KEY_DIR``, one per
key id, so a database dump never holds one. Their public halves are :class:`SigningKey`
rows, published as a JWKS in the issuer profile. The current key is the newest one not
retired whose file is present; rotating creates a new key and retires the old one, which
stays published so that everything it signed still verifies.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from joserfc.jwk import OKPKey

from .models import SigningKey

logger = logging.getLogger(__name__)


class NoSigningKey(Exception):
    """No usable signing key: nothing can be issued until one is created."""


def key_dir() -> Path:
    return Path(settings.SPOKE_CREDENTIALS_KEY_DIR)


def _key_path(kid: str) -> Path:
    return key_dir() / f"{kid}.pem"


def _next_kid() -> str:
    """The next ``key-N`` not used by a row nor by a file (a file left by a rolled-back
    run is never overwritten)."""
    names = set(SigningKey.objects.values_list("kid", flat=True))
    if key_dir().is_dir():
        names |= {path.stem for path in key_dir().glob("key-*.pem")}
    numbers = [
        int(name.removeprefix("key-"))
        for name in names
        if name.startswith("key-") and name.removeprefix("key-").isdigit()
    ]
    return f"key-{max(numbers, default=0) + 1}"


def _write_private(path: Path, private: Ed25519PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Created with mode 0600 from the start: never readable by others, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def public_jwk(private: Ed25519PrivateKey, *, kid: str) -> dict:
    """The public JWK of ``private`` (``kty`` OKP, ``crv`` Ed25519), named ``kid``."""
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = OKPKey.import_key(pem).as_dict(private=False)
    return {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "kid": kid, "alg": "EdDSA", "use": "sig"}


def key_create(*, retire_current: bool = False) -> SigningKey:
    """Make a new key pair: the private key as a file, the public key as a row. With
    ``retire_current``, every older key stops signing (rotation)."""
    now = timezone.now()
    with transaction.atomic():
        # Serialise concurrent runs on the key table.
        list(SigningKey.objects.select_for_update().all())
        kid = _next_kid()
        private = Ed25519PrivateKey.generate()
        _write_private(_key_path(kid), private)
        if retire_current:
            SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
        key = SigningKey.objects.create(
            kid=kid, public_jwk=public_jwk(private, kid=kid), created_at=now
        )
    logger.info("credentials: created signing key %s in %s", kid, key_dir())
    return key


def current_key() -> tuple[SigningKey, OKPKey]:
    """The key that signs now, with its private half; :class:`NoSigningKey` when there is
    none (no key created, or its file missing or unreadable)."""
    key = SigningKey.objects.filter(retired_at__isnull=True).order_by("-created_at", "-pk").first()
    if key is None:
        raise NoSigningKey("no signing key: run 'manage.py credentials_keys create'")
    path = _key_path(key.kid)
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise NoSigningKey(f"the private key file {path} cannot be read: {exc}") from exc
    return key, OKPKey.import_key(pem)


def signing_state() -> str:
    """Empty when credentials can be signed, otherwise why not (for the admin)."""
    try:
        current_key()
    except NoSigningKey as exc:
        return str(exc)
    return ""


def published_jwks() -> list[dict]:
    """Every public key, current and retired, for the issuer profile."""
    return [key.public_jwk for key in SigningKey.objects.order_by("created_at", "pk")]


def private_key_present(kid: str) -> bool:
    return _key_path(kid).is_file()
