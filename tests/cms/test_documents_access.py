"""Documents uploaded in the admin are for signed-in people unless their collection is
public (Settings > Document access); they are served only through Wagtail's view."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from wagtail.documents.models import Document
from wagtail.models import Collection

from cms.models import DocumentSettings

pytestmark = pytest.mark.django_db
CONTENT = b"%PDF-1.4 the course slides"


@pytest.fixture(autouse=True)
def documents_on_disk(tmp_path, monkeypatch):
    """Documents written to a folder of the test's own, as in production (Wagtail streams
    a document from its path on disk)."""
    field = Document._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path / "media"))


def _document(collection=None, name="slides.pdf") -> Document:
    collection = collection or Collection.get_first_root_node()
    return Document.objects.create(
        title="Slides", collection=collection, file=ContentFile(CONTENT, name=name)
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def handouts():
    return Collection.get_first_root_node().add_child(name="Handouts")


def _make_public(*collections) -> None:
    DocumentSettings.load().public_collections.set(collections)


def test_documents_are_served_through_the_checking_view():
    """Wagtail never redirects to the file's own address, whatever the storage."""
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"


def test_anonymous_visitors_are_sent_to_log_in(client):
    """Someone not signed in is sent to allauth's log-in, and back to the document after."""
    document = _document()
    response = client.get(document.url)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith("/accounts/login/?next=")
    assert document.url in response.url.replace("%2F", "/")
    assert CONTENT not in response.content


@pytest.mark.parametrize("who", ["learner", "manager", "trainer", "hr", "lead", "site_admin"])
def test_signed_in_people_get_the_file(client, request, who):
    """Everyone signed in, whatever their role, downloads the document."""
    client.force_login(request.getfixturevalue(who))
    response = client.get(_document().url)
    assert response.status_code == HTTPStatus.OK
    assert _body(response) == CONTENT
    assert response["X-Content-Type-Options"] == "nosniff"


def test_documents_are_kept_out_of_shared_caches(client, learner, handouts):
    """A document's answer (a redirect or the file, public or not) is marked private, so
    no proxy keeps it for the next person."""
    _make_public(handouts)
    for document in (_document(), _document(handouts, name="public.pdf")):
        assert "private" in client.get(document.url)["Cache-Control"]
    client.force_login(learner)
    response = client.get(_document().url)
    assert response.status_code == HTTPStatus.OK
    assert "private" in response["Cache-Control"]


def test_document_links_go_through_the_checking_view():
    """The document URL Wagtail writes in pages resolves to Spoke's wrapper of its view."""
    from django.urls import resolve

    from cms import views

    assert resolve("/documents/7/slides.pdf").func is views.document_serve


def test_a_public_collection_is_open_to_anyone(client, handouts):
    """Documents in a collection marked public are downloaded without signing in."""
    _make_public(handouts)
    response = client.get(_document(handouts).url)
    assert response.status_code == HTTPStatus.OK
    assert _body(response) == CONTENT


def test_collections_inside_a_public_one_are_public_too(client, handouts):
    """A collection inside a public one is public as well."""
    _make_public(handouts)
    week_one = handouts.add_child(name="Week one")
    assert client.get(_document(week_one).url).status_code == HTTPStatus.OK


def test_other_collections_stay_private(client, handouts):
    """Marking one collection public opens neither its parent nor its siblings."""
    _make_public(handouts)
    drafts = Collection.get_first_root_node().add_child(name="Drafts")
    assert client.get(_document(drafts).url).status_code == HTTPStatus.FOUND
    assert client.get(_document().url).status_code == HTTPStatus.FOUND  # the root


def test_a_wrong_file_name_is_404(client, learner):
    """The id and the file name must match (Wagtail's own rule still holds)."""
    client.force_login(learner)
    document = _document()
    assert client.get(f"/documents/{document.pk}/other.pdf").status_code == HTTPStatus.NOT_FOUND


def test_the_file_is_not_reachable_under_media(client, learner, handouts):
    """Neither a private nor a public document's file is served from /media/documents/."""
    _make_public(handouts)
    client.force_login(learner)
    for document in (_document(), _document(handouts, name="public.pdf")):
        response = client.get(f"/media/{document.file.name}")
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_site_admin_marks_a_collection_public_in_the_admin(client, site_admin, handouts):
    """Settings > Document access lists the collections to tick; saving makes them public."""
    client.force_login(site_admin)
    page = client.get("/admin/settings/cms/documentsettings/", follow=True)
    assert page.status_code == HTTPStatus.OK
    url = page.redirect_chain[-1][0] if page.redirect_chain else page.request["PATH_INFO"]
    assert "Handouts" in page.content.decode()
    response = client.post(url, {"public_collections": [handouts.pk]})
    assert response.status_code == HTTPStatus.FOUND
    assert list(DocumentSettings.load().public_collections.all()) == [handouts]


@pytest.mark.parametrize("who", ["learner", "trainer", "hr"])
def test_other_roles_cannot_change_document_access(client, request, who):
    """Only site admins decide what is public."""
    client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/settings/cms/documentsettings/")
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
    assert b"public_collections" not in response.content
