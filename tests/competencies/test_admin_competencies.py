"""The competency framework in the Wagtail admin: trainers and HR keep it, nobody else gets in."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from competencies.models import Competency
from tests.factories import CompetencyFactory

INDEX = "/admin/snippets/competencies/competency/"
ADD = INDEX + "add/"


def _form(**overrides):
    data = {
        "name": "Writing a holding statement",
        "slug": "writing-a-holding-statement",
        "area": "Plan B",
        "description": "Says what is known, what is being done and when the next update comes.",
        "is_crisis_readiness": "on",
        "sort_order": "40",
    }
    data.update(overrides)
    return data


@pytest.fixture
def framework(db):
    return [
        CompetencyFactory(name="Listening and monitoring", area="Listening", sort_order=20),
        CompetencyFactory(name="Writing posts", area="Publishing", sort_order=10, is_core=True),
        CompetencyFactory(name="Crisis communication", area="Plan B", sort_order=30),
    ]


def test_admin_urls_match_the_viewset():
    """The viewset lives where the docs and the tests say it does."""
    assert reverse("wagtailsnippets_competencies_competency:list") == INDEX
    assert reverse("wagtailsnippets_competencies_competency:add") == ADD


@pytest.mark.parametrize("role", ["trainer", "hr", "site_admin"])
def test_keepers_list_the_framework_in_order(client, request, framework, role):
    """Trainers, HR and site admins see every competency, by sort order then name."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(INDEX)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    names = ("Writing posts", "Listening and monitoring", "Crisis communication")
    positions = [content.index(name) for name in names]
    assert positions == sorted(positions)
    for column in ("Area", "Core", "Crisis readiness"):
        assert column in content


@pytest.mark.parametrize("role", ["trainer", "hr"])
def test_framework_is_in_the_admin_menu(client, request, role, db):
    """The admin menu offers "Competencies" to trainers and HR."""
    client.force_login(request.getfixturevalue(role))
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert INDEX in content
    assert "Competencies" in content


@pytest.mark.parametrize("role", ["trainer", "hr"])
def test_keepers_search_the_framework(client, request, framework, role):
    """Searching by part of a name or an area finds the matching competencies only."""
    client.force_login(request.getfixturevalue(role))
    content = client.get(INDEX, {"q": "monitor"}).content.decode()
    assert "Listening and monitoring" in content
    assert "Crisis communication" not in content
    content = client.get(INDEX, {"q": "plan b"}).content.decode()
    assert "Crisis communication" in content
    assert "Listening and monitoring" not in content


def test_listing_filters_and_sorts(client, hr, framework):
    """The listing filters by the core flag and sorts by name on request, not by sort order."""
    client.force_login(hr)
    content = client.get(INDEX, {"is_core": "true"}).content.decode()
    assert "Writing posts" in content
    assert "Listening and monitoring" not in content
    content = client.get(INDEX, {"ordering": "name"}).content.decode()
    names = ("Crisis communication", "Listening and monitoring", "Writing posts")
    positions = [content.index(name) for name in names]
    assert positions == sorted(positions)


@pytest.mark.parametrize("role", ["trainer", "hr"])
def test_keepers_add_a_competency(client, request, role, db):
    """A valid form adds the competency with its flags and sends the person back to the list."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(ADD).status_code == HTTPStatus.OK
    response = client.post(ADD, _form())
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    competency = Competency.objects.get(slug="writing-a-holding-statement")
    assert competency.area == "Plan B"
    assert (competency.is_core, competency.is_crisis_readiness) == (False, True)
    assert competency.sort_order == 40


def test_keepers_change_a_competency(client, trainer, framework):
    """A trainer renames a competency from its edit screen."""
    competency = framework[0]
    client.force_login(trainer)
    edit = reverse("wagtailsnippets_competencies_competency:edit", args=[competency.pk])
    response = client.post(
        edit,
        _form(name="Listening well", slug=competency.slug, area=competency.area),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    competency.refresh_from_db()
    assert competency.name == "Listening well"


def test_bad_slug_shows_an_error_and_keeps_input(client, hr, db):
    """A slug with spaces and punctuation is refused; everything typed is still there."""
    client.force_login(hr)
    response = client.post(ADD, _form(slug="holding statement!"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Enter a valid “slug”" in content
    assert 'value="holding statement!"' in content
    assert 'value="Writing a holding statement"' in content
    assert 'value="Plan B"' in content
    assert "when the next update comes." in content
    assert not Competency.objects.exists()


def test_missing_name_shows_an_error_and_keeps_input(client, trainer, db):
    """Without a name the form says so and keeps the slug, area and description."""
    client.force_login(trainer)
    response = client.post(ADD, _form(name=""))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "This field is required." in content
    assert 'value="writing-a-holding-statement"' in content
    assert 'value="Plan B"' in content
    assert "when the next update comes." in content
    assert not Competency.objects.exists()


def test_duplicate_name_is_refused(client, trainer, framework):
    """A second competency with an existing name is refused with a message."""
    client.force_login(trainer)
    response = client.post(ADD, _form(name="Writing posts", slug="writing-posts-again"))
    assert response.status_code == HTTPStatus.OK
    assert "already exists" in response.content.decode()
    assert Competency.objects.filter(name="Writing posts").count() == 1


def test_keepers_cannot_delete(client, hr, framework):
    """Nobody but a site admin deletes a competency: evidence may point at it."""
    client.force_login(hr)
    delete = reverse("wagtailsnippets_competencies_competency:delete", args=[framework[0].pk])
    response = client.post(delete)
    assert response.status_code == HTTPStatus.FOUND
    assert Competency.objects.filter(pk=framework[0].pk).exists()


@pytest.mark.parametrize("role", ["learner", "manager", "lead"])
@pytest.mark.parametrize("url", [INDEX, ADD])
def test_others_are_turned_away(client, request, framework, role, url):
    """Learners and managers are sent to log in; advocacy leads, who use the admin for the
    roster rules, are turned back to its home. Nobody of them can add a competency."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    if role == "lead":
        assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    response = client.post(ADD, _form())
    assert response.status_code == HTTPStatus.FOUND
    assert not Competency.objects.filter(slug="writing-a-holding-statement").exists()


def test_anonymous_is_sent_to_log_in(client, db):
    """Visitors are sent to log in before they see the framework."""
    response = client.get(INDEX)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]
