"""Private pages and documents: for signed-in people or groups, never a shared password,
and a private page sends visitors to allauth's log-in."""

import importlib
from http import HTTPStatus

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.models import HomePage, StandardPage

close_shared_passwords = importlib.import_module(
    "cms.migrations.0005_no_shared_password_restrictions"
).close_shared_passwords


@pytest.fixture
def private_page(db):
    page = StandardPage(title="Private", slug="private")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_private_page_sends_visitors_to_allauth(client, private_page):
    """A page for signed-in people sends a visitor to allauth's log-in, then back."""
    PageViewRestriction.objects.create(
        page=private_page, restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get("/private/")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next=/private/"


def test_a_private_page_opens_for_signed_in_people(client, private_page, learner):
    """Signed in, the same page opens."""
    PageViewRestriction.objects.create(
        page=private_page, restriction_type=PageViewRestriction.LOGIN
    )
    client.force_login(learner)

    assert client.get("/private/").status_code == HTTPStatus.OK


def test_the_admin_offers_no_shared_password(client, site_admin, private_page):
    """The privacy dialogs of pages and collections offer no password option or field."""
    client.force_login(site_admin)
    collection = Collection.get_first_root_node()

    for url in (
        reverse("wagtailadmin_pages:set_privacy", args=[private_page.pk]),
        reverse("wagtailadmin_collections:set_privacy", args=[collection.pk]),
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        html = response.json()["html"]
        assert 'value="login"' in html
        assert 'value="password"' not in html
        assert 'name="password"' not in html


def test_the_admin_refuses_a_shared_password_sent_anyway(client, site_admin, private_page):
    """A hand-made POST asking for a shared password changes nothing."""
    client.force_login(site_admin)

    client.post(
        reverse("wagtailadmin_pages:set_privacy", args=[private_page.pk]),
        {"restriction_type": "password", "password": "shared-secret"},
    )

    assert not PageViewRestriction.objects.filter(page=private_page).exists()


def test_old_shared_passwords_become_site_admins_only(private_page, site_admin, learner, client):
    """The migration turns shared passwords into 'specific groups' with none chosen: only
    site admins see the page or document until someone picks who may."""
    page_restriction = PageViewRestriction.objects.create(
        page=private_page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=Collection.get_first_root_node(),
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="secret",
    )
    login_only = PageViewRestriction.objects.create(
        page=HomePage.objects.get(), restriction_type=PageViewRestriction.LOGIN
    )

    close_shared_passwords(apps, None)

    for restriction in (page_restriction, collection_restriction):
        restriction.refresh_from_db()
        assert (restriction.restriction_type, restriction.password) == ("groups", "")
        assert not restriction.groups.exists()
    login_only.refresh_from_db()
    assert login_only.restriction_type == PageViewRestriction.LOGIN
    login_only.delete()
    client.force_login(learner)
    assert client.get("/private/").status_code == HTTPStatus.FOUND
    client.force_login(site_admin)
    assert client.get("/private/").status_code == HTTPStatus.OK
