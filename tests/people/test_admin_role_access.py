"""What HR and advocacy leads may open in the Wagtail admin, pinned so that
docs/people-and-roles.md and the group permissions cannot drift apart silently.

Each row says, for one admin address, whether HR and a lead may open it. "May" means the
page answers 200 (after Wagtail's own redirects); "may not" means Wagtail turns them back
(a redirect to the dashboard with a message, 403 or 404). The same table is in the docs.
"""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from wagtail.models import Page

from advocacy.models import RosterTier, SharePostIndexPage
from competencies.models import Competency
from people import roles
from tests.factories import CompetencyFactory, UserFactory, add_role

pytestmark = pytest.mark.django_db

# address: (HR may open it, advocacy lead may open it)
ADMIN_ACCESS = {
    "/admin/": (True, True),
    "/admin/snippets/competencies/competency/": (True, False),
    "/admin/snippets/competencies/competency/add/": (True, False),
    "/admin/snippets/competencies/competency/edit/{competency}/": (True, False),
    "/admin/snippets/competencies/competency/delete/{competency}/": (False, False),
    "/admin/settings/reports/reportsettings/": (True, False),
    "/admin/snippets/advocacy/rostertier/": (False, True),
    "/admin/snippets/advocacy/rostertier/edit/{tier}/": (False, True),
    "/admin/snippets/advocacy/rostertier/add/": (False, False),
    "/admin/snippets/advocacy/rostertier/delete/{tier}/": (False, False),
    # Both write posts for advocates in their one folder (advocacy/migrations/0006): the
    # page explorer, and the two Wagtail lists filtered by page permission, show only it.
    "/admin/pages/": (True, True),
    "/admin/pages/{index}/": (True, True),
    "/admin/pages/add/advocacy/sharepostpage/{index}/": (True, True),
    "/admin/pages/{index}/edit/": (True, True),
    "/admin/pages/{home}/edit/": (False, False),
    "/admin/pages/{home}/unpublish/": (False, False),
    "/admin/pages/{home}/move/": (False, False),
    "/admin/pages/add/cms/standardpage/{home}/": (False, False),
    # The images they uploaded into "Posts for advocates" (advocacy/migrations/0007).
    "/admin/images/": (True, True),
    "/admin/documents/": (False, False),
    "/admin/snippets/cms/platform/": (False, False),
    "/admin/snippets/people/businessunit/": (False, False),
    "/admin/snippets/assessments/assignment/": (False, False),
    "/admin/users/": (False, False),
    "/admin/groups/": (False, False),
    "/admin/cohorts/": (False, False),
    "/admin/practice/": (False, False),
    "/admin/forms/": (True, True),
    "/admin/redirects/": (False, False),
    "/admin/sites/": (False, False),
    "/admin/collections/": (False, False),
    "/admin/workflows/list/": (False, False),
    "/admin/reports/aging-pages/": (True, True),
    "/admin/reports/locked/": (False, False),
    "/django-admin/": (False, False),
}

# What each group holds, exactly: a new grant must be added here and to the docs.
GROUP_PERMISSIONS = {
    roles.HR: {
        "wagtailadmin.access_admin",
        "competencies.add_competency",
        "competencies.change_competency",
        "competencies.view_competency",
        "reports.change_reportsettings",
        "reports.view_reportsettings",
        "advocacy.view_rostermembership",
    },
    roles.ADVOCACY_LEAD: {
        "wagtailadmin.access_admin",
        "advocacy.add_rostertier",
        "advocacy.change_rostertier",
        "advocacy.view_rostertier",
        "advocacy.add_rosterrule",
        "advocacy.change_rosterrule",
        "advocacy.view_rosterrule",
        "advocacy.view_rostermembership",
    },
}


@pytest.fixture
def people():
    CompetencyFactory()
    return {
        "hr": add_role(UserFactory(), roles.HR),
        "lead": add_role(UserFactory(), roles.ADVOCACY_LEAD),
    }


def _address(template: str) -> str:
    return template.format(
        competency=Competency.objects.order_by("pk").first().pk,
        tier=RosterTier.objects.order_by("pk").first().pk,
        home=Page.objects.filter(depth=2).first().pk,
        index=SharePostIndexPage.objects.get().pk,
    )


def _opens(client, address: str) -> bool:
    response = client.get(address, follow=True)
    if response.status_code != HTTPStatus.OK:
        return False
    final = response.redirect_chain[-1][0] if response.redirect_chain else address
    # Wagtail sends people back to its dashboard with a message; the Django admin sends
    # them to log in, which sends someone signed in to the site's dashboard.
    turned_back = address != "/admin/" and final.split("?")[0] in {"/admin/", "/dashboard/"}
    return not turned_back


@pytest.mark.parametrize("template", list(ADMIN_ACCESS))
@pytest.mark.parametrize(("who", "column"), [("hr", 0), ("lead", 1)])
def test_admin_access_matches_the_table(client, people, template, who, column):
    """HR and leads open exactly the admin pages the table (and the docs) give them."""
    client.force_login(people[who])
    address = _address(template)
    assert _opens(client, address) is ADMIN_ACCESS[template][column], address


@pytest.mark.parametrize("group", list(GROUP_PERMISSIONS))
def test_group_permissions_are_exactly_the_documented_ones(group):
    """The migrations grant these permissions and no others to HR and to leads."""
    granted = {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in Permission.objects.filter(group__name=group).select_related(
            "content_type"
        )
    }
    assert granted == GROUP_PERMISSIONS[group]
    assert Group.objects.filter(name=group).exists()


def test_docs_describe_the_same_admin_access():
    """docs/people-and-roles.md names every admin area HR and leads may open."""
    docs = (Path(settings.BASE_DIR) / "docs" / "people-and-roles.md").read_text()
    section = docs.split("### What HR and advocacy leads may do in the admin", 1)[1]
    for template, (hr, lead) in ADMIN_ACCESS.items():
        row = next(
            (line for line in section.splitlines() if line.startswith(f"| `{template}`")), None
        )
        assert row is not None, f"{template} is missing from the docs table"
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        assert cells[-2:] == ["yes" if hr else "no", "yes" if lead else "no"], row
