"""A person's credentials in their copy of their data and at their erasure."""

from http import HTTPStatus

import pytest
from django.utils import timezone

from credentials.models import Credential
from credentials.services import credentials_sync_for_user
from people.privacy import person_erase, personal_data_sections
from tests.credentials.conftest import complete_course, credentials_of

pytestmark = pytest.mark.django_db


def test_the_copy_holds_each_credential_with_its_document(signing_key, learner, course, committed):
    """The download's credentials part names the credential and carries the signed copy."""
    complete_course(learner, course, committed)
    [section] = [s for s in personal_data_sections(user=learner) if s.name == "credentials"]
    [item] = section.data["credentials"]
    assert item["name"] == "Listening to customers"
    assert item["holder_name"] == "Lena Learner"
    assert item["vc_jwt"]


def test_erasure_revokes_hides_and_forgets_the_name(
    client, signing_key, learner, course, committed, site_admin
):
    """The credential is revoked (its status bit stays set), hidden, without its document
    or the holder's name; the public page is gone and nothing is issued again."""
    complete_course(learner, course, committed)
    [credential] = credentials_of(learner)
    token = credential.token

    result = person_erase(person=learner, by=site_admin, now=timezone.now())

    credential = Credential.objects.get(pk=credential.pk)
    assert credential.revoked_at is not None
    assert credential.hidden
    assert (credential.document, credential.jwt) == ({}, "")
    assert credential.holder_name == result.pseudonym
    assert client.get(f"/credentials/c/{token}/").status_code == HTTPStatus.NOT_FOUND
    learner.refresh_from_db()
    assert credentials_sync_for_user(user=learner, now=timezone.now())["issued"] == 0
    assert Credential.objects.filter(user=learner).count() == 1
