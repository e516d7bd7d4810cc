"""The public certificate page, its downloads, and what a hidden or unknown token answers."""

import json
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from advocacy.models import RosterMembership
from cms.models import Platform, SiteSettings
from credentials.models import Credential
from tests.credentials.conftest import (
    award,
    complete_course,
    credentials_of,
    join_roster,
    roster_move,
)

pytestmark = pytest.mark.django_db

URL_NAMES = ("credentials:certificate", "credentials:json", "credentials:jwt")


@pytest.fixture
def company(db):
    from wagtail.models import Site

    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.company_name = "Kestrel Rail"
    settings.save()
    return settings


@pytest.fixture
def course_credential(signing_key, company, learner, course, committed):
    complete_course(learner, course, committed)
    return credentials_of(learner)[0]


def page(client, credential):
    return client.get(reverse("credentials:certificate", args=[credential.token]))


def test_course_certificate_shows_who_what_when_and_issuer(client, course_credential):
    """Anonymous visitors see the name, the course, its criteria, the date and the company."""
    response = page(client, course_credential)
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "Lena Learner" in text
    assert "Listening to customers" in text
    assert "Completed every lesson of the course" in text
    assert "Read what people say about your team" in text  # an outcome of the course
    assert "Kestrel Rail" in text
    assert course_credential.issued_at.strftime("%Y") in text
    assert "css/credentials.css" in text
    assert "learner@spoke.example" not in text
    assert "<script" not in text.split("</header>", 1)[1]


def test_competency_certificate_shows_evidence_kinds_never_notes(
    client, signing_key, learner, competency, trainer, committed
):
    """The kinds of evidence and the competency's text; never the note or reflection."""
    award(learner, competency, 3, trainer, committed, note="My secret reflection on the post")
    (credential,) = credentials_of(learner)
    text = page(client, credential).content.decode()
    assert "Answering complaints: Proficient" in text
    assert "Replies to an unhappy customer in public" in text
    assert "Awarded by a trainer" in text
    assert "My secret reflection" not in text


def test_roster_certificate(client, signing_key, company, learner, committed):
    """The roster credential names the tier and says it follows the membership."""
    join_roster(learner, committed)
    (credential,) = credentials_of(learner)
    text = page(client, credential).content.decode()
    assert "Kestrel Rail social media advocate" in text
    assert "revoked when the membership ends" in text


def test_revoked_certificate_says_so_and_offers_no_sharing(client, signing_key, learner, committed):
    """A revoked credential's page says it was revoked and why, without LinkedIn links."""
    membership = join_roster(learner, committed)
    roster_move(membership, RosterMembership.Status.REMOVED, committed)
    (credential,) = credentials_of(learner)
    text = page(client, credential).content.decode()
    assert "This credential was revoked" in text
    assert "linkedin.com/profile/add" not in text


def test_linkedin_add_to_profile_link(client, course_credential):
    """The Add to profile link carries name, organisation, issue date, URL and id, encoded."""
    response = page(client, course_credential)
    link = response.context["linkedin_add_url"]
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = parse_qs(parts.query)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Listening to customers"],
        "organizationName": ["Kestrel Rail"],
        "issueYear": [str(course_credential.issued_at.year)],
        "issueMonth": [str(course_credential.issued_at.month)],
        "certUrl": [
            f"http://testserver/credentials/c/{course_credential.token}/",
        ],
        "certId": [str(course_credential.uuid)],
    }
    assert " " not in link
    assert link.replace("&", "&amp;") in response.content.decode()


def test_share_links_only_for_platforms_with_a_share_address(client, course_credential):
    """Platforms with a share template get a link with the certificate's URL; the others
    none."""
    Platform.objects.filter(slug="facebook").update(share_url_template="")
    shares = page(client, course_credential).context["shares"]
    names = [share["platform"].slug for share in shares]
    assert "linkedin" in names
    assert "facebook" not in names
    assert "instagram" not in names
    linkedin = next(share["url"] for share in shares if share["platform"].slug == "linkedin")
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?url=http%3A%2F%2F")
    assert course_credential.token in linkedin


@pytest.mark.parametrize("name", URL_NAMES)
def test_hidden_credential_answers_404_everywhere(client, course_credential, name, learner):
    """Hidden: the page, the JSON and the JWT answer 404, even to the holder."""
    url = reverse(name, args=[course_credential.token])
    assert client.get(url).status_code == HTTPStatus.OK
    Credential.objects.filter(pk=course_credential.pk).update(hidden=True)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(learner)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "token",
    [
        "short",
        "x" * 32,
        "../../etc/passwd",
        "%00",
        "a" * 200,
    ],
)
@pytest.mark.parametrize("name", URL_NAMES)
def test_wrong_or_malformed_tokens_answer_404(client, course_credential, token, name):
    """Only the exact token opens a credential; nothing about others leaks."""
    try:
        url = reverse(name, args=[token])
    except Exception:
        return
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_prefix_of_the_token_is_not_enough(client, course_credential):
    """Truncating a valid token does not open it."""
    url = reverse("credentials:certificate", args=[course_credential.token[:22]])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_tokens_are_long_and_random(course_credential, signing_key, manager, course, committed):
    """At least 22 URL-safe characters, different for each credential, not the id."""
    complete_course(manager, course, committed)
    tokens = set(Credential.objects.values_list("token", flat=True))
    assert len(tokens) == 2
    assert all(len(token) >= 22 for token in tokens)
    assert str(course_credential.pk) != course_credential.token


def test_downloads_are_attachments_that_agree(client, course_credential):
    """The JSON and JWT downloads come as files; the JSON is the stored credential."""
    response = client.get(reverse("credentials:json", args=[course_credential.token]))
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == course_credential.document
    response = client.get(reverse("credentials:jwt", args=[course_credential.token]))
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == course_credential.jwt


def test_writes_are_refused(client, course_credential):
    """The public addresses only read."""
    for name in URL_NAMES:
        response = client.post(reverse(name, args=[course_credential.token]))
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_certificate_page_query_count_is_bounded(
    client, course_credential, django_assert_max_num_queries
):
    """The page reads the credential and the share platforms, whatever else exists."""
    page(client, course_credential)  # warm Wagtail's caches
    with django_assert_max_num_queries(6):
        assert page(client, course_credential).status_code == HTTPStatus.OK


def test_status_list_without_a_key_answers_503_not_500(client, db):
    """No key: the signed list says it cannot be signed; the JSON list still answers."""
    response = client.get(reverse("credentials:status_list", args=[1]))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    response = client.get(reverse("credentials:status_list_json", args=[1]))
    assert response.status_code == HTTPStatus.OK


def test_unknown_status_list_is_404(client, db):
    """Only lists that hold credentials exist."""
    assert client.get(reverse("credentials:status_list_json", args=[7])).status_code == 404
