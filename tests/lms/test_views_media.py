"""Uploads are served in production (DEBUG off): Wagtail's renditions and avatars from
/media/, never documents or original uploads, never anything outside MEDIA_ROOT."""

from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import resolve
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from lms import media

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendition():
    image = Image.objects.create(title="Cover", file=get_test_image_file())
    return image.get_rendition("width-100")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_rendition_is_served_with_debug_off(client, settings, rendition):
    """A page's picture (a rendition) answers 200 as an image, with safe headers, to
    anyone: pages that show it are public."""
    assert settings.DEBUG is False
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert _body(response).startswith(b"\x89PNG")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Last-Modified"]


def test_an_unchanged_rendition_is_not_sent_again(client, rendition):
    """A browser that has the file gets 304 Not Modified."""
    last_modified = client.get(rendition.url)["Last-Modified"]
    response = client.get(rendition.url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == HTTPStatus.NOT_MODIFIED


def test_the_original_upload_is_not_served(client, rendition):
    """The original (full size, with the camera's metadata) is not public."""
    original = rendition.image.file.name
    assert original.startswith("original_images/")
    assert default_storage.exists(original)
    assert client.get(f"/media/{original}").status_code == HTTPStatus.NOT_FOUND


def test_documents_are_not_served_from_media(client, site_admin):
    """A document's file is never reachable under /media/documents/, even signed in:
    documents go through Wagtail's view, which checks who asks."""
    document = Document.objects.create(
        title="Slides", file=ContentFile(b"%PDF-1.4 secret", name="slides.pdf")
    )
    assert document.file.name.startswith("documents/")
    assert client.get(f"/media/{document.file.name}").status_code == HTTPStatus.NOT_FOUND
    client.force_login(site_admin)
    assert client.get(f"/media/{document.file.name}").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/../original_images/x.png",
        "/media/images/%2e%2e/original_images/x.png",
        "/media/images/%2E%2E%2Foriginal_images%2Fx.png",
        "/media/images/%252e%252e/x.png",
        "/media//etc/passwd",
        "/media/%2Fetc%2Fpasswd",
        "/media/images/..%5C..%5Cetc%5Cpasswd",
        "/media/images/./x.png",
        "/media/images//x.png",
        "/media/images/x.png%00.png",
        "/media/C:/Windows/win.ini",
        "/media/../lms/settings/base.py",
        "/media/images",
        "/media/",
    ],
)
def test_paths_that_climb_out_or_are_odd_are_refused(client, rendition, path):
    """Relative climbs (plain and encoded), absolute paths, backslashes, dot and empty
    segments and NUL bytes are all a 404."""
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("images/a.png", "images/a.png"),
        ("avatar_images/b.jpg", "avatar_images/b.jpg"),
        ("images/../original_images/a.png", None),
        ("/images/a.png", None),
        ("original_images/a.png", None),
        ("documents/a.pdf", None),
        ("screenshots/a.png", None),
        ("images\\..\\a.png", None),
        ("images/a.png\x00", None),
    ],
)
def test_media_names(path, name):
    """Only names inside a public folder, with no climbing, come through."""
    assert media.media_name(path) == name


def test_only_pictures_are_served(client):
    """Something that is not a picture in a public folder is not served either."""
    default_storage.save("images/page.html", ContentFile(b"<script>alert(1)</script>"))
    default_storage.save("images/notes.png.gz", ContentFile(b"\x1f\x8b"))
    assert client.get("/media/images/page.html").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/media/images/notes.png.gz").status_code == HTTPStatus.NOT_FOUND


def test_a_link_out_of_media_root_on_disk_is_refused(client, tmp_path, monkeypatch):
    """On disk, a file reached through a symbolic link that points out of MEDIA_ROOT is a
    404, while a real file next to it is served."""
    root = tmp_path / "media"
    (root / "images").mkdir(parents=True)
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG secret")
    (root / "images" / "link.png").symlink_to(outside)
    (root / "images" / "real.png").write_bytes(b"\x89PNG real")
    monkeypatch.setattr(media, "default_storage", FileSystemStorage(location=root))
    assert client.get("/media/images/link.png").status_code == HTTPStatus.NOT_FOUND
    response = client.get("/media/images/real.png")
    assert response.status_code == HTTPStatus.OK
    assert _body(response) == b"\x89PNG real"


def test_media_is_routed_to_our_view_whatever_debug_says():
    """/media/ resolves to the checking view (not Django's debug-only static serve)."""
    assert resolve("/media/images/a.png").func is media.media_file


def test_only_get_and_head(client, rendition):
    """Other methods are refused."""
    assert client.post(rendition.url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.head(rendition.url).status_code == HTTPStatus.OK
