"""The staff import service: people_import_csv()."""

import io

import pytest

from people.models import BusinessUnit, User
from people.services import ImportProblem, people_import_csv
from tests.factories import BusinessUnitFactory, UserFactory

HEADER = "email,name,unit,role,manager_email,time_zone"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows, ""]).encode()


def people_values() -> list[tuple]:
    return list(
        User.objects.order_by("email").values_list(
            "email", "first_name", "last_name", "unit_id", "role", "manager_id", "time_zone"
        )
    )


def lines_of(problems: list[ImportProblem]) -> list[int]:
    return [problem.line for problem in problems]


@pytest.fixture
def hub(db):
    return BusinessUnitFactory(name="Social Team", slug="social-team", kind=BusinessUnit.Kind.HUB)


GOOD_FILE = csv_bytes(
    "ana@spoke.example,Ana Lima,Operations / Stations,employee,bo@spoke.example,",
    "bo@spoke.example,Bo Berg,Operations,Manager,,Europe/Amsterdam",
    "maria@spoke.example,Maria de la Cruz,,,bo@spoke.example,america/new_york",
    "cher@spoke.example,Cher,Marketing,,,",
)


def test_good_file_creates_people_units_and_managers(hub):
    """A good file creates everyone, the missing units under the hub, and the manager links."""
    result = people_import_csv(file=GOOD_FILE)

    assert result.ok
    assert (result.people_created, result.people_updated, result.units_created) == (4, 0, 3)
    operations = BusinessUnit.objects.get(name="Operations")
    stations = BusinessUnit.objects.get(name="Stations")
    marketing = BusinessUnit.objects.get(name="Marketing")
    assert (operations.parent, stations.parent, marketing.parent) == (hub, operations, hub)
    assert (operations.slug, operations.kind) == ("operations", BusinessUnit.Kind.SPOKE)
    ana, bo, maria, cher = (
        User.objects.get(email=f"{name}@spoke.example") for name in ("ana", "bo", "maria", "cher")
    )
    assert (ana.first_name, ana.last_name, ana.unit, ana.manager) == ("Ana", "Lima", stations, bo)
    assert (ana.role, ana.time_zone) == (User.Role.EMPLOYEE, "UTC")
    assert (bo.role, bo.unit, bo.manager, bo.time_zone) == (
        User.Role.MANAGER,
        operations,
        None,
        "Europe/Amsterdam",
    )
    assert (maria.first_name, maria.last_name, maria.unit) == ("Maria", "de la Cruz", None)
    assert maria.time_zone == "America/New_York"
    assert (cher.first_name, cher.last_name, cher.unit) == ("Cher", "", marketing)
    assert not any(person.has_usable_password() for person in (ana, bo, maria, cher))


def test_rerunning_the_same_file_changes_nothing(hub):
    """Importing the same file twice creates and changes nothing the second time."""
    people_import_csv(file=GOOD_FILE)
    before, units_before = people_values(), BusinessUnit.objects.count()

    result = people_import_csv(file=GOOD_FILE)

    assert result.ok
    assert (result.people_created, result.people_updated, result.units_created) == (0, 0, 0)
    assert result.people_unchanged == 4
    assert people_values() == before
    assert BusinessUnit.objects.count() == units_before


def test_update_file_changes_unit_role_manager_and_keeps_time_zone(hub):
    """An update changes name, unit, role and manager; an empty time zone keeps the person's."""
    support = BusinessUnitFactory(name="Support", parent=hub)
    boss = UserFactory(email="boss@spoke.example", role=User.Role.MANAGER)
    ana = UserFactory(email="ana@spoke.example", time_zone="Asia/Tokyo", unit=support)
    data = csv_bytes(
        "ana@spoke.example,Ana Maria Lima,support / Social care,manager,boss@spoke.example,",
        "boss@spoke.example,Boss Person,Support,manager,,",
    )

    result = people_import_csv(file=data)

    assert result.ok
    assert (result.people_created, result.people_updated, result.units_created) == (0, 2, 1)
    ana.refresh_from_db()
    assert (ana.first_name, ana.last_name) == ("Ana", "Maria Lima")
    assert (ana.unit.name, ana.unit.parent) == ("Social care", support)
    assert (ana.role, ana.manager, ana.time_zone) == (User.Role.MANAGER, boss, "Asia/Tokyo")


def test_empty_unit_manager_and_role_reset_what_hr_owns(hub):
    """The file is authoritative for unit, role and manager: empty cells clear them."""
    boss = UserFactory(email="boss@spoke.example")
    ana = UserFactory(
        email="ana@spoke.example", role=User.Role.MANAGER, manager=boss, unit=hub, first_name="A"
    )

    result = people_import_csv(file=csv_bytes(f"ana@spoke.example,A {ana.last_name},,,,"))

    assert (result.people_updated, result.people_unchanged) == (1, 0)
    ana.refresh_from_db()
    assert (ana.unit, ana.role, ana.manager) == (None, User.Role.EMPLOYEE, None)


def test_a_file_of_only_the_required_columns_creates_people_with_defaults(hub):
    """The columns the docs call optional can be left out: new people get the defaults
    (no unit, employee, no manager, UTC)."""
    result = people_import_csv(file=csv_bytes("Ana Lima,ana@spoke.example", header="name,email"))
    assert result.ok, result.problems
    assert people_values() == [("ana@spoke.example", "Ana", "Lima", None, "employee", None, "UTC")]


def test_a_column_left_out_keeps_what_is_stored(hub):
    """Leaving a column out is not clearing it: unit, role, manager and time zone of people
    already in Spoke stay, while the columns given still change them."""
    people_import_csv(file=GOOD_FILE)
    before = {row[0]: row for row in people_values()}
    result = people_import_csv(
        file=csv_bytes(
            "ana@spoke.example,Ana Lima-Berg", "zoe@spoke.example,Zoe Zed", header="email,name"
        )
    )
    assert result.ok, result.problems
    assert (result.people_created, result.people_updated, result.people_unchanged) == (1, 1, 0)
    after = {row[0]: row for row in people_values()}
    assert after["ana@spoke.example"] == (*before["ana@spoke.example"][:2], "Lima-Berg",
                                          *before["ana@spoke.example"][3:])  # fmt: skip
    assert after["bo@spoke.example"] == before["bo@spoke.example"]
    assert after["zoe@spoke.example"][3:] == (None, "employee", None, "UTC")


def test_without_a_manager_column_the_stored_managers_still_count_for_cycles(hub):
    """Ana, kept under Bo by a file with no manager_email column, is still Bo's report, so
    a later file making Ana Bo's manager (and not listing Ana) is a circle."""
    people_import_csv(file=GOOD_FILE)
    kept = people_import_csv(
        file=csv_bytes("ana@spoke.example,Ana Lima,Operations / Stations", header="email,name,unit")
    )
    assert kept.ok, kept.problems
    assert User.objects.get(email="ana@spoke.example").manager.email == "bo@spoke.example"
    loop = people_import_csv(
        file=csv_bytes(
            "bo@spoke.example,Bo Berg,ana@spoke.example", header="email,name,manager_email"
        )
    )
    assert [problem.message for problem in loop.problems] == [
        "managers go round in a circle: bo@spoke.example → ana@spoke.example → bo@spoke.example"
    ]


def test_existing_email_matches_whatever_its_capitals(hub):
    """An address differing only in capitals updates that person and stores it lower-cased."""
    person = UserFactory(email="Ana.Lima@Spoke.example")

    result = people_import_csv(file=csv_bytes("ANA.LIMA@spoke.example,Ana Lima,,,,"))

    assert (result.people_created, result.people_updated) == (0, 1)
    person.refresh_from_db()
    assert person.email == "ana.lima@spoke.example"
    assert User.objects.count() == 1


def test_header_is_trimmed_case_insensitive_in_any_order_with_bom_and_blank_lines(hub):
    """Header names are trimmed and case-insensitive, order is free, a BOM and blank rows pass."""
    data = "\ufeff Name ,EMAIL,Time_Zone,role,unit,Manager_Email\r\n\r\n".encode()
    data += "Zoë Ünal,zoe@spoke.example,,,Støtte,\r\n,,,,,\r\n".encode()

    result = people_import_csv(file=data)

    assert result.ok, result.problems
    zoe = User.objects.get(email="zoe@spoke.example")
    assert (zoe.first_name, zoe.last_name, zoe.unit.name) == ("Zoë", "Ünal", "Støtte")


def test_accepts_an_open_binary_file(hub):
    """The service reads from a binary file object as well as from bytes."""
    result = people_import_csv(file=io.BytesIO(GOOD_FILE))

    assert result.ok
    assert result.people_created == 4


def test_units_match_case_insensitively_and_get_unique_slugs(hub):
    """Existing units match in any capitals; a new unit whose slug is taken gets a numbered one."""
    operations = BusinessUnitFactory(name="Operations", parent=hub)
    BusinessUnitFactory(name="Stations (old)", slug="stations")

    result = people_import_csv(file=csv_bytes("ana@spoke.example,Ana,OPERATIONS / stations,,,"))

    assert result.units_created == 1
    stations = BusinessUnit.objects.get(name="stations")
    assert (stations.parent, stations.slug) == (operations, "stations-2")


def test_without_a_hub_top_level_units_have_no_parent(db):
    """With no hub, new top-level units have no parent."""
    result = people_import_csv(file=csv_bytes("ana@spoke.example,Ana,Retail / Shops,,,"))

    assert result.units_created == 2
    assert BusinessUnit.objects.get(name="Retail").parent is None
    assert BusinessUnit.objects.get(name="Shops").parent.name == "Retail"


def test_dry_run_reports_counts_and_writes_nothing(hub):
    """A dry run counts what would happen and writes nothing."""
    UserFactory(email="bo@spoke.example", first_name="Old", last_name="Name")
    before, units_before = people_values(), BusinessUnit.objects.count()

    result = people_import_csv(file=GOOD_FILE, dry_run=True)

    assert result.ok
    assert (result.people_created, result.people_updated, result.units_created) == (3, 1, 3)
    assert people_values() == before
    assert BusinessUnit.objects.count() == units_before


ROW = "ana@spoke.example,Ana Lima,,,,"
LONG = "x" * 151

BAD_FILES = {
    "empty file": (b"", [(1, "the file is empty")]),
    "only blank lines": (b"\r\n  \n", [(1, "the file is empty")]),
    "header only": (csv_bytes(), [(1, "no people in the file")]),
    "header and blank rows": (csv_bytes("", ",,,,,"), [(1, "no people in the file")]),
    "unknown column": (
        csv_bytes(ROW + ",x", header=HEADER + ",phone"),
        [(1, "unknown column “phone”")],
    ),
    "missing name column": (
        csv_bytes("ana@spoke.example,,,,", header="email,unit,role,manager_email,time_zone"),
        [(1, "missing column “name”")],
    ),
    "missing email column": (csv_bytes("Ana Lima", header="name"), [(1, "missing column “email”")]),
    "column twice": (csv_bytes(ROW + ",x", header=HEADER + ",Email"), [(1, "appears twice")]),
    "semicolons": (
        b"email;name;unit;role;manager_email;time_zone\na@spoke.example;Ana;;;;\n",
        [(1, "separate the columns with commas")],
    ),
    "not UTF-8": (
        csv_bytes(ROW, "jose@spoke.example,José,,,,").replace("é".encode(), "é".encode("cp1252")),
        [(3, "save it as UTF-8")],
    ),
    "UTF-16": (csv_bytes(ROW).decode().encode("utf-16"), [(1, "save it as UTF-8")]),
    "too many cells": (csv_bytes(ROW, ROW.replace("ana", "bo") + ",x"), [(3, "has 7 cells")]),
    "too few cells": (csv_bytes("bo@spoke.example,Bo", ROW), [(2, "has 2 cells")]),
    "NUL character": (csv_bytes(ROW, "bo@spoke.example,B\x00o,,,,"), [(3, "NUL character")]),
    "bad e-mail": (csv_bytes(ROW, "bo@,Bo,,,,"), [(3, "email “bo@” is not a valid")]),
    "missing e-mail": (csv_bytes(ROW, ",Bo,,,,"), [(3, "email is required")]),
    "e-mail too long": (
        csv_bytes(f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example,Ana,,,,"),
        [(2, "email is longer than 254")],
    ),
    "missing name": (csv_bytes(ROW, "bo@spoke.example,  ,,,,"), [(3, "name is required")]),
    "first name too long": (
        csv_bytes(f"ana@spoke.example,{LONG} Lima,,,,"),
        [(2, "first name is longer than 150")],
    ),
    "last name too long": (
        csv_bytes(f"ana@spoke.example,Ana {LONG},,,,"),
        [(2, "last name is longer than 150")],
    ),
    "unit name too long": (
        csv_bytes(f"ana@spoke.example,Ana,Ops / {'u' * 121},,,"),
        [(2, "at most 120 characters")],
    ),
    "unit path with an empty part": (
        csv_bytes("ana@spoke.example,Ana,Ops /  / Shops,,,"),
        [(2, "has an empty part")],
    ),
    "unknown role": (csv_bytes("ana@spoke.example,Ana,,Boss,,"), [(2, "role “Boss” is not")]),
    "unknown time zone": (
        csv_bytes(ROW, "bo@spoke.example,Bo,,,,Mars/Olympus"),
        [(3, "time zone “Mars/Olympus”")],
    ),
    "unknown manager": (
        csv_bytes("ana@spoke.example,Ana,,,nobody@spoke.example,"),
        [(2, "manager nobody@spoke.example is neither in the file nor in Spoke")],
    ),
    "bad manager e-mail": (
        csv_bytes("ana@spoke.example,Ana,,,bo at spoke,"),
        [(2, "manager_email “bo at spoke” is not a valid")],
    ),
    "own manager": (
        csv_bytes("ana@spoke.example,Ana,,,ANA@spoke.example,"),
        [(2, "ana@spoke.example cannot be their own manager")],
    ),
    "manager cycle": (
        csv_bytes(
            "ana@spoke.example,Ana,,,bo@spoke.example,",
            "cy@spoke.example,Cy,,,ana@spoke.example,",
            "bo@spoke.example,Bo,,,cy@spoke.example,",
        ),
        [(2, "circle: ana@"), (3, "circle: ana@"), (4, "circle: ana@")],
    ),
    "duplicate e-mail": (
        csv_bytes(ROW, "bo@spoke.example,Bo,,,,", "Ana@Spoke.Example,Ana Again,,,,"),
        [(2, "appears more than once, on lines 2, 4"), (4, "on lines 2, 4")],
    ),
    "several problems at once": (
        csv_bytes("bad,Ana,,,,", ROW, "bo@spoke.example,,,chief,,Nowhere/Town"),
        [(2, "not a valid"), (4, "name is required"), (4, "role"), (4, "time zone")],
    ),
}


@pytest.mark.parametrize(("data", "expected"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_reported_by_line_and_imports_nothing(hub, data, expected):
    """Each kind of bad file is reported with its line numbers, and nothing is written."""
    UserFactory(email="old@spoke.example")
    before, units_before = people_values(), BusinessUnit.objects.count()

    result = people_import_csv(file=data)

    assert not result.ok
    assert len(result.problems) == len(expected), result.problems
    for problem, (line, fragment) in zip(result.problems, expected, strict=True):
        assert problem.line == line, result.problems
        assert fragment in problem.message, result.problems
    assert (result.people_created, result.people_updated, result.units_created) == (0, 0, 0)
    assert people_values() == before
    assert BusinessUnit.objects.count() == units_before


def test_manager_cycle_through_people_already_in_spoke_is_reported(hub):
    """A cycle closed by someone already in Spoke (not in the file) is reported too."""
    boss = UserFactory(email="boss@spoke.example")
    UserFactory(email="ana@spoke.example", manager=boss)
    before = people_values()

    result = people_import_csv(file=csv_bytes("boss@spoke.example,Boss,,,ana@spoke.example,"))

    assert lines_of(result.problems) == [2]
    assert "boss@spoke.example → ana@spoke.example → boss@spoke.example" in str(result.problems[0])
    assert people_values() == before


def test_unit_under_another_parent_is_reported(hub):
    """A path naming an existing unit under a different parent is an error with the line."""
    operations = BusinessUnitFactory(name="Operations", parent=hub)
    BusinessUnitFactory(name="Stations", parent=operations)
    units_before = BusinessUnit.objects.count()

    result = people_import_csv(
        file=csv_bytes(
            ROW,
            "bo@spoke.example,Bo,Marketing / Stations,,,",
            "cy@spoke.example,Cy,Operations / Social Team,,,",
        )
    )

    assert [str(problem) for problem in result.problems] == [
        "line 3: unit “Stations” exists under “Operations”, not “Marketing”",
        "line 4: unit “Social Team” is a top-level unit, not under “Operations”",
    ]
    assert BusinessUnit.objects.count() == units_before
    assert not User.objects.exists()


def test_query_count_does_not_grow_with_the_number_of_rows(hub, django_assert_max_num_queries):
    """Importing 200 rows (new and existing people, units, managers) takes a fixed few queries."""
    User.objects.bulk_create(UserFactory.build(email=f"person{n}@spoke.example") for n in range(50))
    rows = [f"manager{n}@spoke.example,Boss {n},Unit {n} / Team {n},manager,," for n in range(10)]
    rows += [
        f"person{n}@spoke.example,Person {n},Unit {n % 10} / Team {n % 10},,"
        f"manager{n % 10}@spoke.example,Europe/Oslo"
        for n in range(190)
    ]

    # SQLite splits bulk writes into batches of 999 parameters: that adds a few queries here.
    # The audit trail adds three: the units' names, the content type, one insert of entries.
    with django_assert_max_num_queries(18):
        result = people_import_csv(file=csv_bytes(*rows))

    assert result.ok, result.problems[:3]
    assert (result.people_created, result.people_updated, result.units_created) == (150, 50, 20)
    assert User.objects.filter(manager__email="manager3@spoke.example").count() == 19
