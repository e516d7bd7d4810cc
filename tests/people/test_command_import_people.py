"""The import_people management command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from people.models import BusinessUnit, User
from tests.factories import BusinessUnitFactory, UserFactory

HEADER = "email,name,unit,role,manager_email,time_zone"
GOOD = f"""{HEADER}
ana@spoke.example,Ana Lima,Operations / Stations,,bo@spoke.example,
bo@spoke.example,Bo Berg,Operations,manager,,Europe/Amsterdam
"""


@pytest.fixture
def hub(db):
    return BusinessUnitFactory(name="Social Team", kind=BusinessUnit.Kind.HUB)


@pytest.fixture
def write_csv(tmp_path):
    def write(text: str):
        path = tmp_path / "people.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_people", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_the_file_and_prints_the_counts(hub, write_csv):
    """A good file is imported and the command says how many people and units it created."""
    UserFactory(email="bo@spoke.example")

    out, err = run(write_csv(GOOD))

    assert out.strip() == "Imported 2 people: 1 created, 1 updated; 2 units created."
    assert err == ""
    assert User.objects.get(email="ana@spoke.example").manager.email == "bo@spoke.example"


def test_rerun_mentions_the_unchanged_people(hub, write_csv):
    """Running the same file again reports everyone as unchanged."""
    path = write_csv(GOOD)
    run(path)

    out, _err = run(path)

    assert out.strip() == "Imported 2 people: 0 created, 0 updated, 2 unchanged; 0 units created."


def test_dry_run_reports_and_writes_nothing(hub, write_csv):
    """--dry-run prints what would happen and leaves the database alone."""
    out, _err = run(write_csv(GOOD), "--dry-run")

    assert "Dry run: would import 2 people: 2 created, 0 updated; 2 units" in out
    assert "Nothing was written." in out
    assert not User.objects.exists()
    assert BusinessUnit.objects.count() == 1


def test_bad_file_prints_every_problem_and_fails(hub, write_csv):
    """A bad file lists each problem as `line N: message` on stderr, imports nobody and fails."""
    out, err = StringIO(), StringIO()
    path = write_csv(f"{HEADER}\nana@spoke.example,Ana,,chief,,\nbad,,,,,\n")

    with pytest.raises(CommandError, match=r"3 problems in .*people\.csv\. Nothing was imported\."):
        call_command("import_people", str(path), stdout=out, stderr=err)

    assert err.getvalue().splitlines() == [
        "line 2: role “chief” is not one of: employee, manager",
        "line 3: email “bad” is not a valid e-mail address",
        "line 3: name is required",
    ]
    assert out.getvalue() == ""
    assert not User.objects.exists()
    assert BusinessUnit.objects.count() == 1


def test_missing_file_is_a_clear_error(db, tmp_path):
    """A file that cannot be read is reported as such."""
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv: No such file"):
        run(tmp_path / "missing.csv")


def test_file_not_saved_as_utf8_says_so(hub, tmp_path):
    """A file in another encoding is rejected with a hint to save it as UTF-8."""
    path = tmp_path / "people.csv"
    path.write_bytes(f"{HEADER}\njose@spoke.example,José,,,,\n".encode("cp1252"))
    err = StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_people", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue().startswith("line 2: the file is not UTF-8 text; save it as UTF-8")


# --- --deactivate-missing ------------------------------------------------------------------


@pytest.fixture
def staff_world(hub):
    """Ana and Bo are in the file; Cy and Di are not; Di already left; the superuser and
    the admin running the import are not in it either."""
    from tests.factories import EnrollmentFactory

    UserFactory(email="bo@spoke.example")
    cy = UserFactory(email="cy@spoke.example")
    di = UserFactory(email="di@spoke.example", is_active=False)
    root = UserFactory(email="root@spoke.example", is_superuser=True, is_staff=True)
    runner = UserFactory(email="runner@spoke.example")
    place = EnrollmentFactory(user=cy)
    return {"cy": cy, "di": di, "root": root, "runner": runner, "place": place}


def test_deactivate_missing_dry_run_lists_who_would_go(staff_world, write_csv):
    """The dry run names the people not in the file and switches nobody off."""
    out, _err = run(write_csv(GOOD), "--dry-run", "--deactivate-missing")
    assert "Would deactivate 2 people not in the file:" in out
    assert out.splitlines()[-2:] == ["  cy@spoke.example", "  runner@spoke.example"]
    assert User.objects.filter(is_active=True).count() == 4


def test_deactivate_missing_switches_off_everyone_not_in_the_file(
    staff_world, write_csv, django_capture_on_commit_callbacks
):
    """People not in the file are deactivated with every effect; superusers, the person
    running it (--by) and people already gone are left alone."""
    from cohorts.models import Enrollment

    with django_capture_on_commit_callbacks(execute=True):
        out, _err = run(write_csv(GOOD), "--deactivate-missing", "--by", "RUNNER@spoke.example")
    assert "Deactivated 1 person not in the file:" in out
    assert out.splitlines()[-1] == "  cy@spoke.example"
    cy = User.objects.get(email="cy@spoke.example")
    assert not cy.is_active
    assert cy.deactivated_at is not None
    staff_world["place"].refresh_from_db()
    assert staff_world["place"].status == Enrollment.Status.WITHDRAWN
    for name in ("root", "runner"):
        assert User.objects.get(pk=staff_world[name].pk).is_active
    assert User.objects.get(pk=staff_world["di"].pk).deactivated_at is None


def test_deactivate_missing_with_a_bad_file_deactivates_nobody(staff_world, write_csv):
    """A file with problems imports nobody and switches nobody off."""
    with pytest.raises(CommandError):
        run(write_csv(f"{HEADER}\nbad,,,,,\n"), "--deactivate-missing")
    assert User.objects.filter(is_active=True).count() == 4


def test_by_must_be_someone_in_spoke(staff_world, write_csv):
    """An unknown --by address stops the command before anything is read."""
    with pytest.raises(CommandError, match="nobody in Spoke"):
        run(write_csv(GOOD), "--deactivate-missing", "--by", "ghost@spoke.example")
