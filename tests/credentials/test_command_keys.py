"""``manage.py credentials_keys``: create, rotate and list the signing keys."""

import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from credentials import keys
from credentials.models import SigningKey

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("credentials_keys", *args, stdout=out)
    return out.getvalue()


def test_create_writes_a_private_file_readable_only_by_its_owner(key_folder):
    """The private key is a 0600 PEM file in the key folder; the database has only the
    public half."""
    output = run("create")
    key = SigningKey.objects.get()
    assert key.kid in output
    path = key_folder / f"{key.kid}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert set(key.public_jwk) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert "d" not in key.public_jwk


def test_create_twice_is_refused(key_folder):
    """A second 'create' would silently replace the key: use 'rotate'."""
    run("create")
    with pytest.raises(CommandError, match="rotate"):
        run("create")
    assert SigningKey.objects.count() == 1


def test_rotate_retires_the_old_key_and_keeps_it_published(key_folder):
    """Rotation: a new current key, the old one retired but still in the JWKS."""
    run("create")
    run("rotate")
    old, new = SigningKey.objects.order_by("pk")
    assert old.retired_at is not None
    assert new.retired_at is None
    assert keys.current_key()[0] == new
    assert [jwk["kid"] for jwk in keys.published_jwks()] == [old.kid, new.kid]


def test_list_says_when_nothing_can_sign(key_folder):
    """With no key, 'list' says what to do; with a key whose file is gone, it says so."""
    assert "credentials_keys create" in run("list")
    run("create")
    key = SigningKey.objects.get()
    assert "current" in run("list")
    (key_folder / f"{key.kid}.pem").unlink()
    output = run("list")
    assert "NO PRIVATE KEY FILE" in output
    assert "Cannot sign" in output


def test_admin_home_warns_site_admins_without_a_key(client, admin_user, key_folder):
    """The Wagtail admin home tells site admins that nothing can be issued."""
    client.force_login(admin_user)
    assert "Credentials cannot be issued" in client.get("/admin/").content.decode()
    run("create")
    assert "Credentials cannot be issued" not in client.get("/admin/").content.decode()
