"""SSO's entries in Wagtail's action log have names, and show in the admin's history."""

from http import HTTPStatus

import pytest
from wagtail.log_actions import registry

from people.sso import services
from tests.people.sso.conftest import DEPARTMENT


@pytest.mark.parametrize("action", services.ACTIONS)
def test_every_sso_action_is_registered_with_a_label(action):
    """Each spoke.sso.* action has a label for the admin's filters and history."""
    assert registry.action_exists(action)
    assert registry.get_action_label(action).startswith("SSO: ")


def test_site_history_shows_who_came_in_by_sso(client, saml_sign_in, site_admin):
    """The admin's site history lists the creation and the unknown department."""
    saml_sign_in("nina@spoke.example", attributes={DEPARTMENT: "Nowhere"})
    client.logout()
    client.force_login(site_admin)

    response = client.get("/admin/reports/site-history/")

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "SSO: person created" in page
    assert "SSO: unknown department" in page
