"""The staff import in the Wagtail admin: upload, preview, confirm; nothing written before
the confirm; hostile files; site admins only."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import TimestampSigner
from django.urls import reverse

from people import admin_import
from people.models import BusinessUnit, User
from tests.factories import BusinessUnitFactory, UserFactory
from tests.queries import no_writes

pytestmark = pytest.mark.django_db
URL = reverse("people_admin_import")
HEADER = "email,name,unit,role,manager_email,time_zone"


def csv_file(*rows: str, header: str = HEADER, name: str = "staff.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([header, *rows, ""]).encode(), "text/csv")


def world() -> list[tuple]:
    return list(
        User.objects.order_by("email").values_list("email", "first_name", "unit_id", "manager_id")
    ) + list(BusinessUnit.objects.order_by("pk").values_list("name", "parent_id"))


@pytest.fixture
def hub(db):
    return BusinessUnitFactory(name="Social Team", slug="social-team", kind=BusinessUnit.Kind.HUB)


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def preview(client, upload):
    return client.post(URL, {"step": "preview", "file": upload})


def token_of(response) -> str:
    return response.context["token"]


GOOD = (
    "ana@spoke.example,Ana Lima,Operations / Stations,employee,bo@spoke.example,",
    "bo@spoke.example,Bo Berg,Operations,manager,,Europe/Amsterdam",
)


# --- Who may use it ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["learner", "manager", "trainer", "hr", "lead"])
def test_only_site_admins_may_import(client, request, who, hub):
    """Everyone but site admins is refused, for the page and for a confirm, and the menu
    does not offer it to them."""
    client.force_login(request.getfixturevalue(who))
    before = world()
    assert client.get(URL).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    token = admin_import.preview_token(b"email,name\nzed@spoke.example,Zed\n", _plan())
    response = client.post(URL, {"step": "confirm", "token": token})
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)
    assert world() == before


def _plan():
    from people.services import ImportResult

    return ImportResult()


def test_hr_gets_403_and_no_menu_item(client, hr):
    """HR may use the admin (competencies, report settings) but not the staff import:
    Wagtail turns the refusal into a way back to the admin's home."""
    client.force_login(hr)
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (HTTPStatus.FOUND, "/admin/")
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_site_admins_get_the_upload_form_and_the_menu_item(admin_client):
    """The page explains the columns; the settings menu links to it."""
    page = admin_client.get(URL).content.decode()
    assert 'type="file"' in page
    assert "email, name are required" in page
    assert URL in admin_client.get(reverse("wagtailadmin_home")).content.decode()


# --- Upload, preview, confirm ----------------------------------------------------------


def test_preview_lists_creates_and_updates_and_writes_nothing(admin_client, hub):
    """The preview says who is created, who updated, which units are new; no row is
    written by the upload."""
    UserFactory(email="bo@spoke.example", first_name="Bob", last_name="Berg")
    before = world()
    with no_writes():
        response = preview(admin_client, csv_file(*GOOD))
    assert response.status_code == HTTPStatus.OK
    assert world() == before
    html = response.content.decode()
    assert "creates 1 people, updates 1 and leaves 0 unchanged; it creates 2 business units" in html
    assert [row.email for row in response.context["creates"]] == ["ana@spoke.example"]
    assert [row.email for row in response.context["updates"]] == ["bo@spoke.example"]
    assert "Operations / Stations" in html
    assert "Confirm the import" in html


def test_confirm_imports_what_the_preview_showed(admin_client, hub):
    """Confirming writes the people, units and managers, and says how many."""
    token = token_of(preview(admin_client, csv_file(*GOOD)))
    response = admin_client.post(URL, {"step": "confirm", "token": token}, follow=True)
    assert "Imported: 2 created, 0 updated, 0 unchanged; 2 units created." in (
        response.content.decode()
    )
    ana = User.objects.get(email="ana@spoke.example")
    assert (ana.unit.name, ana.manager.email) == ("Stations", "bo@spoke.example")


def test_a_change_after_the_preview_shows_a_new_preview_and_writes_nothing(admin_client, hub):
    """Someone creates Ana between preview and confirm: nothing is imported, and the new
    preview (Ana now updated, not created) is shown to confirm again."""
    token = token_of(preview(admin_client, csv_file(*GOOD)))
    UserFactory(email="ana@spoke.example", first_name="Ana", last_name="Else")
    before = world()
    response = admin_client.post(URL, {"step": "confirm", "token": token})
    assert world() == before
    html = response.content.decode()
    assert "Something changed since the preview, so nothing was imported" in html
    assert [row.email for row in response.context["updates"]] == ["ana@spoke.example"]
    again = admin_client.post(URL, {"step": "confirm", "token": token_of(response)})
    assert again.status_code == HTTPStatus.FOUND
    assert User.objects.get(email="ana@spoke.example").last_name == "Lima"


@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "e30:1tAbCd:forged"],
    ids=["missing", "garbage", "forged"],
)
def test_a_forged_or_missing_preview_imports_nothing(admin_client, hub, token):
    before = world()
    response = admin_client.post(URL, {"step": "confirm", "token": token})
    assert response.status_code == HTTPStatus.OK
    assert "This preview has expired or was changed" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert world() == before


def test_a_token_signed_for_something_else_imports_nothing(admin_client, hub):
    """A value signed with the site's key but another purpose (salt) is refused."""
    token = TimestampSigner().sign("anything")
    admin_client.post(URL, {"step": "confirm", "token": token})
    assert not User.objects.filter(email="ana@spoke.example").exists()


def test_an_old_preview_has_expired(admin_client, hub, monkeypatch):
    token = token_of(preview(admin_client, csv_file(*GOOD)))
    monkeypatch.setattr(admin_import, "PREVIEW_MAX_AGE", -1)
    response = admin_client.post(URL, {"step": "confirm", "token": token})
    assert "This preview has expired" in response.content.decode()
    assert not User.objects.filter(email="ana@spoke.example").exists()


# --- Hostile and broken files ---------------------------------------------------------


HOSTILE = {
    "not UTF-8": (
        SimpleUploadedFile(
            "staff.csv", f"{HEADER}\njose@spoke.example,José,,,,\n".encode("cp1252"), "text/csv"
        ),
        "save it as UTF-8",
    ),
    "missing columns": (csv_file("Ana Lima", header="name"), "missing column “email”"),
    "duplicate e-mails": (
        csv_file("ana@spoke.example,Ana,,,,", "ANA@spoke.example,Ana Again,,,,"),
        "appears more than once, on lines 2, 3",
    ),
    "formula": (
        csv_file("ana@spoke.example,=cmd|' /C calc'!A0,,,,"),
        "starts like a spreadsheet formula",
    ),
    "formula in a unit": (
        csv_file("ana@spoke.example,Ana Lima,@SUM(1+1),,,"),
        "starts like a spreadsheet formula",
    ),
    "markup": (csv_file("<script>alert(1)</script>,Ana,,,,"), "is not a valid e-mail address"),
    "empty": (SimpleUploadedFile("staff.csv", b"", "text/csv"), "The submitted file is empty"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_files_are_explained_and_import_nobody(admin_client, hub, case):
    """Each problem is shown (escaped) with its line; there is nothing to confirm."""
    upload, expected = HOSTILE[case]
    before = world()
    response = preview(admin_client, upload)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert expected in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert "<script>alert(1)" not in html
    assert "Confirm the import" not in html
    assert "token" not in response.context
    assert world() == before


def test_a_huge_file_is_refused_before_it_is_read(admin_client, hub):
    """A file over 1 MB is refused on its field, in the error summary too."""
    big = SimpleUploadedFile(
        "staff.csv", (HEADER + "\n" + "a@b.example,A,,,,\n" * 70_000).encode(), "text/csv"
    )
    assert big.size > admin_import.MAX_IMPORT_BYTES
    response = preview(admin_client, big)
    html = response.content.decode()
    assert "the limit is 1.0" in html
    assert 'href="#id_file"' in html
    assert User.objects.count() == 1  # the admin


def test_the_confirm_token_cannot_smuggle_a_huge_file(hub):
    """A signed token whose file unpacks to more than 1 MB is refused."""
    from people.services import ImportResult

    token = admin_import.preview_token(b"x" * (admin_import.MAX_IMPORT_BYTES + 10), ImportResult())
    assert admin_import.preview_read(token) is None


def test_many_rows_are_counted_in_full_and_listed_in_part(admin_client, hub):
    """The preview lists the first 200 people of each kind and says how many more."""
    rows = [f"p{number}@spoke.example,Person {number},,,," for number in range(205)]
    response = preview(admin_client, csv_file(*rows))
    assert len(response.context["creates"]) == 200
    assert response.context["more_creates"] == 5
    assert "And 5 more." in response.content.decode()


def test_the_preview_costs_the_same_for_5_and_205_people(
    admin_client, hub, django_assert_max_num_queries
):
    """Reading the file and the database is done in bulk: no query per row."""
    few = [f"p{number}@spoke.example,Person {number},Unit {number % 3},,," for number in range(5)]
    many = [
        f"p{number}@spoke.example,Person {number},Unit {number % 3},,," for number in range(205)
    ]
    preview(admin_client, csv_file(*few))  # the session and caches settle first
    with django_assert_max_num_queries(20) as small:
        preview(admin_client, csv_file(*few))
    with django_assert_max_num_queries(len(small.captured_queries)):
        preview(admin_client, csv_file(*many))
