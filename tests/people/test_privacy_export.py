"""A person's copy of their data: asked for on the profile page, built in the background,
e-mailed, downloadable by them alone through a signed link until it expires."""

import io
import json
import re
import zipfile
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from people.models import PersonalDataExport
from people.privacy import REQUESTS_PER_DAY, personal_data_download_path
from tests.conftest import celery_sending_to
from tests.factories import EnrollmentFactory, SubmissionFactory


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the build) as a real request would."""
    global _run_on_commit
    _run_on_commit = django_capture_on_commit_callbacks


def _ask(client):
    with _run_on_commit(execute=True):
        return client.post(reverse("people:personal_data_request"))


def _link(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.fixture
def practised(learner):
    shot = storages["private"].save("screenshots/lena.png", ContentFile(b"\x89PNG lena"))
    SubmissionFactory(
        user=learner, screenshot=shot, reflection="<p>Lena's reflection on listening.</p>"
    )
    EnrollmentFactory(user=learner)
    return learner


def test_a_learner_downloads_everything_as_a_zip(client, practised):
    """Asked on the profile, built at once without Redis, e-mailed; the ZIP holds JSON for
    every part and the screenshot itself."""
    client.force_login(practised)
    response = _ask(client)
    assert response.status_code == HTTPStatus.FOUND
    [message] = [m for m in mail.outbox if "data is ready" in m.subject]
    download = client.get(_link(message))

    assert download.status_code == HTTPStatus.OK
    assert download["Content-Type"] == "application/zip"
    assert "no-store" in download["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = set(archive.namelist())
    for part in (
        "account/profile.json",
        "account/sign_in.json",
        "competencies.json",
        "courses.json",
        "cohorts.json",
        "practice.json",
        "advocacy.json",
        "credentials.json",
        "reports.json",
        "README.json",
        "files/screenshots/lena.png",
    ):
        assert part in names
    assert json.loads(archive.read("account/profile.json"))["email"] == practised.email
    practice = json.loads(archive.read("practice.json"))
    assert "Lena's reflection" in practice["submissions"][0]["reflection_html"]
    assert archive.read("files/screenshots/lena.png") == b"\x89PNG lena"
    assert len(json.loads(archive.read("cohorts.json"))["enrollments"]) == 1


def test_the_profile_lists_the_copy_with_its_link(client, practised, django_assert_max_num_queries):
    """The profile page shows each copy and its download link, in a fixed number of
    queries however many there are."""
    client.force_login(practised)
    for _ in range(REQUESTS_PER_DAY):
        _ask(client)
    with django_assert_max_num_queries(13):
        content = client.get(reverse("people:profile")).content.decode()
    for export in PersonalDataExport.objects.filter(owner=practised):
        # The signature carries the second it was made: compare what it signs.
        assert f"/people/me/data/{export.pk}.{practised.pk}:" in content


def test_another_persons_link_is_a_404(client, practised, manager):
    """Someone else's link, even signed in: 404, as if it did not exist."""
    client.force_login(practised)
    _ask(client)
    path = personal_data_download_path(PersonalDataExport.objects.get(owner=practised))
    client.force_login(manager)
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_visitors_are_sent_to_sign_in(client, practised):
    """Without signing in, the link leads to the log-in page, not the file."""
    client.force_login(practised)
    _ask(client)
    path = personal_data_download_path(PersonalDataExport.objects.get(owner=practised))
    client.logout()
    response = client.get(path)
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path.replace("/data/", "/data/x"),
        lambda path: path[:-3] + "AAA/",
        lambda path: re.sub(r"/data/(\d+)", lambda m: f"/data/{int(m.group(1)) + 1}", path),
        lambda path: "/people/me/data/" + "%00" * 10 + "/",
    ],
)
def test_a_tampered_link_is_a_404(client, practised, tamper):
    """Any change to the signed link: 404."""
    client.force_login(practised)
    _ask(client)
    path = personal_data_download_path(PersonalDataExport.objects.get(owner=practised))
    assert client.get(tamper(path)).status_code == HTTPStatus.NOT_FOUND


def test_an_expired_copy_or_link_is_gone(client, practised, monkeypatch):
    """After its time, the copy says it is no longer kept (410), and so does an old link."""
    client.force_login(practised)
    _ask(client)
    export = PersonalDataExport.objects.get(owner=practised)
    path = personal_data_download_path(export)
    PersonalDataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(path).status_code == HTTPStatus.GONE
    monkeypatch.setattr("people.privacy.KEPT_FOR", timedelta(seconds=-1))
    PersonalDataExport.objects.filter(pk=export.pk).update(expires_at=None)
    assert client.get(path).status_code == HTTPStatus.GONE


def test_asking_too_often_is_refused(client, learner):
    """A few copies a day; the next is a 429 that says why."""
    client.force_login(learner)
    for _ in range(REQUESTS_PER_DAY):
        assert _ask(client).status_code == HTTPStatus.FOUND
    response = _ask(client)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "try again tomorrow" in response.content.decode()
    assert PersonalDataExport.objects.filter(owner=learner).count() == REQUESTS_PER_DAY


def test_a_second_request_while_one_is_built_is_refused(client, learner):
    """While a copy is being prepared, asking again says so (429) and queues nothing."""
    PersonalDataExport.objects.create(owner=learner)
    client.force_login(learner)
    response = _ask(client)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "being prepared" in response.content.decode()


def test_the_request_is_kept_when_the_worker_is_unreachable(client, learner):
    """With the broker down the request still succeeds; the copy waits to be built."""
    client.force_login(learner)
    with celery_sending_to("redis://127.0.0.1:9/0"):
        response = _ask(client)
    assert response.status_code == HTTPStatus.FOUND
    export = PersonalDataExport.objects.get(owner=learner)
    assert export.status == PersonalDataExport.Status.PENDING


def test_a_get_writes_nothing(client, learner):
    """Asking is a POST; a GET of the address is refused."""
    client.force_login(learner)
    response = client.get(reverse("people:personal_data_request"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not PersonalDataExport.objects.exists()


def test_every_role_can_ask_for_their_own(client, any_person):
    """Learners, managers, trainers, HR, leads and site admins each get their own copy."""
    client.force_login(any_person)
    assert _ask(client).status_code == HTTPStatus.FOUND
    export = PersonalDataExport.objects.get(owner=any_person)
    assert export.status == PersonalDataExport.Status.DONE
    assert client.get(personal_data_download_path(export)).status_code == HTTPStatus.OK


def test_expired_copies_are_deleted_with_their_files(learner):
    """The hourly clean-up deletes expired copies and their files."""
    from people.privacy import personal_data_exports_expired_delete

    export = PersonalDataExport.objects.create(
        owner=learner, status="done", expires_at=timezone.now() - timedelta(minutes=1)
    )
    export.file.save("x.zip", ContentFile(b"zip"), save=True)
    name = export.file.name
    assert personal_data_exports_expired_delete(now=timezone.now()) == 1
    assert not storages["private"].exists(name)
    assert not PersonalDataExport.objects.exists()
