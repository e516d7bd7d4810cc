"""Every page that exists, for every role: who gets in, who is turned away, and how."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from cms.models import HomePage, StandardPage
from tests.factories import CoursePageFactory, LessonPageFactory

OK, FOUND, FORBIDDEN = HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN
ROLES = ["anonymous", "learner", "manager", "trainer", "hr", "lead", "site_admin"]

# page -> expected status per role, in the order of ROLES
MATRIX = {
    "/": [OK] * 7,
    "/about/": [OK] * 7,
    "/healthz": [OK] * 7,
    "/dashboard/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/people/me/": [FOUND, OK, OK, OK, OK, OK, OK],
    # Asking for a copy of one's data is a POST (tests/people/test_privacy_export.py); a
    # download link that is not genuine is nobody's.
    "/people/me/data/": [FOUND] + [HTTPStatus.METHOD_NOT_ALLOWED] * 6,
    "/people/me/data/1.2:forged:token/": [FOUND] + [HTTPStatus.NOT_FOUND] * 6,
    "/accounts/email/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/accounts/2fa/": [FOUND, OK, OK, OK, OK, OK, OK],
    # Advocacy leads edit the roster's rules there (advocacy/migrations/0002_default_tiers).
    "/admin/": [FOUND, FOUND, FOUND, OK, OK, OK, OK],
    "/admin/snippets/cms/platform/": [FOUND, FOUND, FOUND, OK, FOUND, FOUND, OK],
    # Business units are a site admin's: a trainer in the Wagtail admin is turned back.
    "/admin/snippets/people/businessunit/": [FOUND, FOUND, FOUND, FOUND, FOUND, FOUND, OK],
    "/django-admin/": [FOUND, FOUND, FOUND, FOUND, FOUND, FOUND, OK],
    # The staff import is a site admin's, like the users; admin users are turned back.
    "/admin/people/import/": [FOUND, FOUND, FOUND, FOUND, FOUND, FOUND, OK],
    "/competencies/mine/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/courses/": [OK] * 7,
    "/courses/basics/": [OK] * 7,
    "/courses/basics/listen-first/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/admin/snippets/competencies/competency/": [FOUND, FOUND, FOUND, OK, OK, FOUND, OK],
    # Cohorts are run by their trainers; HR, who may use the admin, are turned back to it.
    "/admin/cohorts/": [FOUND, FOUND, FOUND, OK, FOUND, FOUND, OK],
    # Practice is reviewed by the cohorts' trainers; HR are turned back to the admin.
    "/admin/practice/": [FOUND, FOUND, FOUND, OK, FOUND, FOUND, OK],
    # Practice assignments are authored by trainers; HR are turned back to the admin.
    "/admin/snippets/assessments/assignment/": [FOUND, FOUND, FOUND, OK, FOUND, FOUND, OK],
    # The roster is read by advocacy leads, HR and site admins; everyone has their own place.
    "/roster/": [FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "/roster/eligible/": [FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "/roster/approvals/": [FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    "/roster/me/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/roster/platforms/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/roster/platforms/add/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/roster/policy/": [FOUND, OK, OK, OK, OK, OK, OK],
    # Plan B: the hub opens call-outs; everyone sees the call-outs they were called in.
    "/plan-b/": [FOUND, OK, OK, OK, OK, OK, OK],
    "/plan-b/new/": [FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    # Coaching: everyone has the page (a coach's cohorts; trainers' and leads' coaches).
    "/roster/coaching/": [FOUND, OK, OK, OK, OK, OK, OK],
    # The sharing kit is for people on the roster (none of these is): the rest are told so.
    "/roster/share/": [FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
    "/roster/share/name/": [FOUND] + [HTTPStatus.METHOD_NOT_ALLOWED] * 6,
    "/roster/sharing/": [FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK],
    # A tracked share link that does not exist is nobody's, logged in or not.
    "/s/unknown1/": [HTTPStatus.NOT_FOUND] * 7,
    # Reports: HR and site admins for everyone, managers for their own people.
    "/reports/": [FOUND, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "/reports/heatmap/": [FOUND, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "/reports/adoption/": [FOUND, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "/reports/readiness/": [FOUND, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "/reports/hub-and-spoke/": [FOUND, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "/reports/activity/": [FOUND, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "/reports/exports/": [FOUND, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    # The names behind the heat map are HR's only.
    "/reports/heatmap/people/": [FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK],
    # The rules are the leads'; trainers and HR, who use the admin, are turned back.
    "/admin/snippets/advocacy/rostertier/": [FOUND, FOUND, FOUND, FOUND, FOUND, OK, OK],
    # Provisioning tokens are a site admin's; everyone else who uses the admin is turned back.
    "/admin/people/scim-tokens/": [FOUND, FOUND, FOUND, FOUND, FOUND, FOUND, OK],
    # SCIM answers bearer tokens only: a session, even a site admin's, opens nothing.
    "/scim/v2/Users": [HTTPStatus.UNAUTHORIZED] * 7,
}


@pytest.fixture
def about_page(db):
    home = HomePage.objects.get()
    page = StandardPage(title="About Spoke", slug="about", intro="Why we teach this.")
    home.add_child(instance=page)
    page.save_revision().publish()
    course = CoursePageFactory(slug="basics", title="Basics")
    LessonPageFactory(parent=course, slug="listen-first", title="Listen first")
    return page


def _login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


@pytest.mark.parametrize("url", list(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_page_access_by_role(client, request, about_page, url, role_index):
    """Each role gets the status the matrix says for each page."""
    role = ROLES[role_index]
    _login(client, request, role)
    response = client.get(url)
    assert response.status_code == MATRIX[url][role_index], f"{role} on {url}"


def test_trainer_is_turned_back_from_business_units(client, trainer):
    """Wagtail sends a trainer without the permission back to its dashboard, with a message."""
    client.force_login(trainer)
    response = client.get("/admin/snippets/people/businessunit/", follow=True)
    assert "Sorry, you do not have permission" in response.content.decode()


def test_admin_redirect_for_learner_does_not_show_admin(client, learner):
    """A learner following the redirect from /admin/ never sees the Wagtail dashboard."""
    client.force_login(learner)
    response = client.get("/admin/", follow=True)
    assert "wagtail-dashboard" not in response.content.decode()
    assert "You do not have permission" in response.content.decode()


def test_unknown_page_gets_friendly_404(client, db):
    """A wrong address shows our own page with a way back, with status 404."""
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    content = response.content.decode()
    assert "We could not find that page" in content
    assert 'href="#main"' in content


def test_403_page_is_friendly(rf, learner):
    """The 403 page explains and offers the dashboard."""
    from lms.views import error_403

    request = rf.get("/x")
    request.user = learner
    response = error_403(request)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"This page is not open to you" in response.content
    assert reverse("dashboard").encode() in response.content


def test_500_page_renders_without_database(rf):
    """The 500 page needs no request context and no database."""
    from lms.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Something went wrong on our side" in response.content


@pytest.mark.parametrize("role", ROLES)
def test_navigation_shows_what_each_role_may_use(client, request, about_page, role):
    """Navigation links appear only for the roles that can use them."""
    _login(client, request, role)
    content = client.get("/").content.decode()
    # Leads too: they write posts for advocates there (advocacy/migrations/0006).
    assert ('href="/admin/"' in content) is (role in {"trainer", "hr", "lead", "site_admin"})
    assert ('href="/django-admin/"' in content) is (role == "site_admin")
    assert ('href="/dashboard/"' in content) is (role != "anonymous")
    assert ('href="/accounts/login/"' in content) is (role == "anonymous")


@pytest.mark.parametrize("url", ["/admin/login/", "/django-admin/login/"])
def test_admin_log_in_pages_go_through_allauth(client, db, url):
    """The admins' password-only log-in pages send visitors to allauth's, keeping `next`."""
    response = client.get(f"{url}?next=/admin/pages/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"


def test_admin_log_in_cannot_bypass_two_factor(client, trainer, password):
    """Posting a password to the admin's log-in URL does not sign anyone in."""
    response = client.post("/admin/login/", {"username": trainer.email, "password": password})
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "_auth_user_id" not in client.session
