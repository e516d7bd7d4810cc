"""Writes about people: the staff import, an edit saved in the Wagtail user admin, and
switching a person off (and on again)."""

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import BinaryIO

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.events import event_announce
from core.exports import FORMULA_STARTS
from core.personcache import person_changed

from .audit import person_changes, person_changes_log_many, tracked_values
from .events import PERSON_DEACTIVATED, UNIT_OR_ACTIVE_CHANGED
from .models import BusinessUnit, User, time_zone_choices

COLUMNS = ("email", "name", "unit", "role", "manager_email", "time_zone")
# A file may leave out the others: what it does not list is kept as it is (defaults for new
# people), never cleared.
REQUIRED_COLUMNS = ("email", "name")
UNIT_SEPARATOR = " / "
NAME_LIMIT = User._meta.get_field("first_name").max_length  # last_name has the same
EMAIL_LIMIT = User._meta.get_field("email").max_length
UNIT_NAME_LIMIT = BusinessUnit._meta.get_field("name").max_length
USER_FIELDS = ["email", "first_name", "last_name", "unit", "role", "time_zone"]  # manager apart


@dataclass(frozen=True)
class ImportProblem:
    """Something wrong with one line of the file (the header is line 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportRow:
    """What the import does with one line of the file: ``create``, ``update`` or
    ``unchanged`` (the preview in the admin lists them)."""

    line: int
    email: str
    name: str
    unit: str
    action: str


@dataclass
class ImportResult:
    """What an import did, or would do on a dry run; nothing is written when it has problems."""

    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    units_created: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    # With ``deactivate_missing``: the e-mail addresses of the people switched off (or, on a
    # dry run, who would be), sorted.
    deactivated: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # the names of the units to create

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(line: int, message: str, **params: object) -> ImportProblem:
    """A problem whose (translated) message has ``%(name)s`` placeholders for ``params``."""
    return ImportProblem(line, message % params if params else message)


@dataclass
class _Person:
    """One data row, cleaned. ``unit`` and ``user`` are filled in once the database is read."""

    line: int
    email: str
    first_name: str
    last_name: str
    unit_path: list[str] | None  # None: the file has no unit column (keep the unit)
    role: str | None  # None: no role column (keep it; employee for new people)
    manager_email: str | None  # None: no manager_email column (keep the manager)
    time_zone: str
    unit: BusinessUnit | None = None
    user: User | None = None
    changed: bool = False


def people_import_csv(
    *,
    file: BinaryIO | bytes,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    by: User | None = None,
) -> ImportResult:
    """Create or update the people (and business units) listed in a CSV file, all or nothing.

    The file has the columns ``email, name, unit, role, manager_email, time_zone``; only
    ``email`` and ``name`` are required, and a column left out keeps what is stored (the
    defaults for new people). The e-mail address identifies the person. The file is
    authoritative for what HR owns: an empty unit or manager clears it, an empty role means
    employee. An empty time zone keeps the person's own choice (``UTC`` for new people).
    New people get an unusable password and set one through "forgot password".

    Every row is checked before anything is written; if any problem is found the result
    lists them all with their line numbers and the database is left as it was.

    With ``deactivate_missing`` the file is the whole staff list: every active person not
    in it is switched off (:func:`deactivate_person`, with all its effects), except
    superusers and ``by``, the person running the import. A dry run lists them.
    """
    data = file if isinstance(file, bytes) else file.read()
    records, problems = _read_csv(data)
    if problems:
        return ImportResult(problems=problems)

    people = [_parse_row(line, cells, problems) for line, cells in records]
    directory = _Directory()
    units = _UnitPlan()
    existing = User.objects.in_bulk(
        [directory.pk_by_email[p.email] for p in people if p.email in directory.pk_by_email]
    )
    for person in people:
        _match_database(
            person, directory=directory, units=units, existing=existing, problems=problems
        )
    _check_duplicates(people, problems)
    _check_managers(people, directory, problems)
    if problems:
        return ImportResult(problems=sorted(problems, key=lambda problem: problem.line))

    result = ImportResult(
        people_created=sum(person.user is None for person in people),
        people_updated=sum(person.changed for person in people),
        people_unchanged=sum(person.user is not None and not person.changed for person in people),
        units_created=len(units.new),
        rows=[_row(person) for person in people],
        units=[unit.name for unit in units.new],
    )
    leavers = []
    if deactivate_missing:
        listed = {person.email for person in people}
        leavers = [
            user
            for user in User.objects.filter(is_active=True, is_superuser=False).order_by("email")
            if user.email.lower() not in listed and (by is None or user.pk != by.pk)
        ]
        result.deactivated = [user.email for user in leavers]
    if not dry_run:
        with transaction.atomic():
            _write(people, units=units.new, directory=directory)
            reason = _("not in the staff list imported on %(day)s") % {
                "day": timezone.localdate().isoformat()
            }
            for user in leavers:
                deactivate_person(user, reason=reason, by=by)
    return result


def _row(person: _Person) -> ImportRow:
    action = "unchanged"
    if person.user is None:
        action = "create"
    elif person.changed:
        action = "update"
    return ImportRow(
        line=person.line,
        email=person.email,
        name=f"{person.first_name} {person.last_name}".strip(),
        unit=UNIT_SEPARATOR.join(person.unit_path or []),
        action=action,
    )


# Reading the file


def _read_csv(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[ImportProblem]]:
    """The data rows as ``(line, {column: value})``, or the problems that stop reading."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = _("the file is not UTF-8 text; save it as UTF-8 (in Excel: “CSV UTF-8”)")
        return [], [_problem(line, message)]
    if not text.strip():
        return [], [_problem(1, _("the file is empty"))]

    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader)]
    problems = _check_header(header)
    if problems:
        return [], problems

    records, line = [], 1
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                message = _("this row has %(count)d cells; the header has %(expected)d")
                problems.append(_problem(line, message, count=len(cells), expected=len(header)))
                continue
            if any("\x00" in cell for cell in cells):
                problems.append(_problem(line, _("this row contains a NUL character")))
                continue
            formula = next((c.strip() for c in cells if c.strip().startswith(FORMULA_STARTS)), "")
            if formula:
                # A spreadsheet opening an export of it would run it: never stored.
                message = _("“%(cell)s” starts like a spreadsheet formula; remove the “%(start)s”")
                problems.append(_problem(line, message, cell=formula[:40], start=formula[0]))
                continue
            records.append((line, {n: cell.strip() for n, cell in zip(header, cells, strict=True)}))
    except csv.Error as error:
        problems.append(_problem(line + 1, _("cannot read this row: %(error)s"), error=error))
    if not records and not problems:
        problems.append(_problem(1, _("no people in the file, only the header")))
    return records, problems


def _check_header(header: list[str]) -> list[ImportProblem]:
    expected = ", ".join(COLUMNS)
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        return [_problem(1, _("separate the columns with commas: %(expected)s"), expected=expected)]
    problems = []
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(_problem(1, _("column %(position)d has no name"), position=position))
        elif name not in COLUMNS:
            message = _("unknown column “%(name)s” (expected: %(expected)s)")
            problems.append(_problem(1, message, name=name, expected=expected))
        elif header.index(name) != position - 1:
            problems.append(_problem(1, _("column “%(name)s” appears twice"), name=name))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(_problem(1, _("missing column “%(name)s”"), name=name))
    return problems


def _parse_row(line: int, cells: dict[str, str], problems: list[ImportProblem]) -> _Person:
    """Clean one row on its own; what needs the database or other rows is checked later."""

    def report(message: str, **params: object) -> None:
        problems.append(_problem(line, message, **params))

    if not cells["email"]:
        report(_("email is required"))
    email = _clean_email(cells["email"], column="email", report=report)
    name = " ".join(cells["name"].split())
    if not name:
        report(_("name is required"))
    first_name, _space, last_name = name.partition(" ")
    for part, value in ((_("first name"), first_name), (_("last name"), last_name)):
        if len(value) > NAME_LIMIT:
            report(
                _("the %(part)s is longer than %(limit)d characters"), part=part, limit=NAME_LIMIT
            )

    unit_path = [] if "unit" in cells else None
    if cells.get("unit"):
        unit_path = [" ".join(part.split()) for part in cells["unit"].split(UNIT_SEPARATOR)]
        if not all(unit_path):
            report(_("the unit “%(unit)s” has an empty part"), unit=cells["unit"])
            unit_path = []
        elif any(len(part) > UNIT_NAME_LIMIT for part in unit_path):
            report(_("unit names can be at most %(limit)d characters long"), limit=UNIT_NAME_LIMIT)

    role = None
    if "role" in cells:
        role = cells["role"].lower() or User.Role.EMPLOYEE
        if role not in User.Role.values:
            roles = ", ".join(User.Role.values)
            report(_("role “%(role)s” is not one of: %(roles)s"), role=cells["role"], roles=roles)

    zone = cells.get("time_zone", "")
    time_zone = _time_zones().get(zone.lower(), "")
    if zone and not time_zone:
        message = _("time zone “%(zone)s” is not one we know (use a name like Europe/Amsterdam)")
        report(message, zone=zone)
    manager_email = None
    if "manager_email" in cells:
        manager_email = _clean_email(cells["manager_email"], column="manager_email", report=report)

    return _Person(
        line=line,
        email=email,
        first_name=first_name,
        last_name=last_name,
        unit_path=unit_path,
        role=role,
        manager_email=manager_email,
        time_zone=time_zone,
    )


def _clean_email(value: str, *, column: str, report: Callable[..., None]) -> str:
    """The address lower-cased, or "" when it is empty or not valid (which is reported)."""
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        report(
            _("%(column)s “%(value)s” is not a valid e-mail address"), column=column, value=value
        )
        return ""
    if len(value) > EMAIL_LIMIT:
        report(
            _("%(column)s is longer than %(limit)d characters"), column=column, limit=EMAIL_LIMIT
        )
        return ""
    return value.lower()


@cache
def _time_zones() -> dict[str, str]:
    """The time zones the person form offers, by lower-cased name."""
    return {name.lower(): name for name, _label in time_zone_choices()}


# Checking against the database and the rest of the file


class _Directory:
    """Everyone already in Spoke, by lower-cased e-mail, with their managers (one query)."""

    def __init__(self) -> None:
        self.pk_by_email: dict[str, int] = {}
        self.email_by_pk: dict[int, str] = {}
        self.manager_by_pk: dict[int, int | None] = {}
        for pk, email, manager_id in User.objects.values_list("pk", "email", "manager_id"):
            key = email.lower()  # unique ignoring case: people_user_email_unique_ci
            self.pk_by_email[key] = pk
            self.email_by_pk[pk] = key
            self.manager_by_pk[pk] = manager_id

    def manager_email(self, email: str) -> str:
        """The current manager's e-mail of someone in Spoke, or ""."""
        manager_id = self.manager_by_pk.get(self.pk_by_email.get(email))
        return self.email_by_pk.get(manager_id, "")


class _UnitError(Exception):
    """A unit path that does not match the tree; the message says why."""


class _UnitPlan:
    """Matches unit paths to existing units (one query) and plans the missing ones."""

    def __init__(self) -> None:
        existing = list(BusinessUnit.objects.order_by("pk"))
        self.by_name = {unit.name.lower(): unit for unit in existing}
        self.by_pk = {unit.pk: unit for unit in existing}
        self.slugs = {unit.slug for unit in existing}
        self.hub = next((unit for unit in existing if unit.kind == BusinessUnit.Kind.HUB), None)
        self.new: list[BusinessUnit] = []

    def resolve(self, path: list[str]) -> BusinessUnit:
        """The unit at the end of ``path``, existing or planned; raises _UnitError."""
        parent = None
        for depth, name in enumerate(path):
            unit = self.by_name.get(name.lower())
            if unit is None:
                unit = BusinessUnit(
                    name=name,
                    slug=self._free_slug(name),
                    kind=BusinessUnit.Kind.SPOKE,
                    parent=parent if depth else self.hub,
                )
                self.by_name[name.lower()] = unit
                self.new.append(unit)
            elif depth and self._parent(unit) is not parent:
                actual = self._parent(unit)
                if actual is None:
                    message = _("unit “%(unit)s” is a top-level unit, not under “%(wanted)s”")
                else:
                    message = _("unit “%(unit)s” exists under “%(actual)s”, not “%(wanted)s”")
                raise _UnitError(message % {"unit": unit, "actual": actual, "wanted": parent})
            parent = unit
        return parent

    def _parent(self, unit: BusinessUnit) -> BusinessUnit | None:
        return unit.parent if unit.pk is None else self.by_pk.get(unit.parent_id)

    def _free_slug(self, name: str) -> str:
        limit = BusinessUnit._meta.get_field("slug").max_length
        base = slugify(name)[:limit] or "unit"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            suffix = f"-{number}"
            slug = base[: limit - len(suffix)] + suffix
        self.slugs.add(slug)
        return slug


def _match_database(
    person: _Person,
    *,
    directory: _Directory,
    units: _UnitPlan,
    existing: dict[int, User],
    problems: list[ImportProblem],
) -> None:
    """Find the person's unit and account, and whether the row changes the account."""
    if person.unit_path:
        try:
            person.unit = units.resolve(person.unit_path)
        except _UnitError as error:
            problems.append(_problem(person.line, str(error)))
    user = existing.get(directory.pk_by_email.get(person.email))
    if user is None:
        return
    person.user = user
    if person.unit_path is None:  # no unit column: the unit stays
        same_unit = True
    elif person.unit is not None:
        same_unit = person.unit.pk is not None and person.unit.pk == user.unit_id
    else:
        same_unit = user.unit_id is None
    person.changed = (
        user.email != person.email
        or user.first_name != person.first_name
        or user.last_name != person.last_name
        or not same_unit
        or (person.role is not None and user.role != person.role)
        or (
            person.manager_email is not None
            and directory.email_by_pk.get(user.manager_id, "") != person.manager_email
        )
        or bool(person.time_zone and person.time_zone != user.time_zone)
    )


def _check_duplicates(people: list[_Person], problems: list[ImportProblem]) -> None:
    lines_by_email = defaultdict(list)
    for person in people:
        if person.email:
            lines_by_email[person.email].append(person.line)
    for email, lines in lines_by_email.items():
        if len(lines) > 1:
            message = _("%(email)s appears more than once, on lines %(lines)s")
            listed = ", ".join(map(str, lines))
            problems.extend(_problem(line, message, email=email, lines=listed) for line in lines)


def _check_managers(
    people: list[_Person], directory: _Directory, problems: list[ImportProblem]
) -> None:
    """Every manager must be known, and nobody may end up managing themselves, even via others."""
    in_file: dict[str, _Person] = {}
    for person in people:
        if person.email:
            in_file.setdefault(person.email, person)
    for person in people:
        manager = person.manager_email or ""
        if manager and manager not in in_file and manager not in directory.pk_by_email:
            message = _("manager %(email)s is neither in the file nor in Spoke")
            problems.append(_problem(person.line, message, email=manager))

    def manager_of(email: str) -> str:
        if email in in_file and in_file[email].manager_email is not None:
            return in_file[email].manager_email
        return directory.manager_email(email)

    for cycle in _cycles(in_file, manager_of):
        if len(cycle) == 1:
            message = _("%(email)s cannot be their own manager") % {"email": cycle[0]}
        else:
            circle = " → ".join([*cycle, cycle[0]])
            message = _("managers go round in a circle: %(circle)s") % {"circle": circle}
        problems.extend(
            _problem(in_file[email].line, message) for email in cycle if email in in_file
        )


def _cycles(starts: Iterable[str], manager_of: Callable[[str], str]) -> list[list[str]]:
    """The loops found by following ``manager_of`` from each start (each loop once)."""
    done: set[str] = set()
    cycles = []
    for start in starts:
        path: list[str] = []
        position: dict[str, int] = {}
        email = start
        while email and email not in done and email not in position:
            position[email] = len(path)
            path.append(email)
            email = manager_of(email)
        if email in position:
            cycles.append(path[position[email] :])
        done.update(path)
    return cycles


# Writing


def _write(people: list[_Person], *, units: list[BusinessUnit], directory: _Directory) -> None:
    with transaction.atomic():
        pending = list(units)
        while pending:  # parents first, one query per level of the tree
            ready = [unit for unit in pending if unit.parent is None or unit.parent.pk]
            BusinessUnit.objects.bulk_create(ready)
            pending = [unit for unit in pending if unit.pk is None]

        created = []
        for person in people:
            if person.user is None:  # managers are linked below, once everyone has a pk
                person.user = User(
                    email=person.email,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    unit=person.unit,
                    role=person.role or User.Role.EMPLOYEE,
                    time_zone=person.time_zone or "UTC",
                )
                person.user.set_unusable_password()
                created.append(person.user)
        User.objects.bulk_create(created)
        # The address comes from HR's own staff list, and the person has no password until
        # they follow a reset link mailed to it; that link proves they receive mail there,
        # so the address counts as verified and they are not asked to confirm it again.
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in created
            ]
        )

        pk_by_email = directory.pk_by_email | {user.email: user.pk for user in created}
        changed, managed = [], []
        before = {person.user.pk: tracked_values(person.user) for person in people}
        for person in people:
            user = person.user
            if person.changed:
                user.email = person.email
                user.first_name = person.first_name
                user.last_name = person.last_name
                if person.unit_path is not None:
                    user.unit = person.unit
                user.role = person.role or user.role
                user.time_zone = person.time_zone or user.time_zone
                changed.append(user)
            if person.manager_email is None:  # no manager_email column: the manager stays
                continue
            manager_id = pk_by_email.get(person.manager_email)
            if user.manager_id != manager_id:
                user.manager_id = manager_id
                managed.append(user)
        # Two narrow updates: Django writes one CASE per field and row.
        User.objects.bulk_update(changed, USER_FIELDS)
        User.objects.bulk_update(managed, ["manager"])
        person_changed(*(user.pk for user in [*changed, *managed]))
        # Bulk writes send no signals: the audit trail is written here (existing people only;
        # a new person's placement is not a change).
        new = {user.pk for user in created}
        unit_names = dict(BusinessUnit.objects.values_list("pk", "name"))
        person_changes_log_many(
            [
                (
                    person.user,
                    person_changes(
                        before[person.user.pk], tracked_values(person.user), unit_names=unit_names
                    ),
                )
                for person in people
                if person.user.pk not in new
            ],
            via="import",
        )


# The Wagtail user admin


def person_admin_edit_save(*, user: User, save: Callable[[], User], by=None) -> User:
    """Save an edit of ``user`` made in the Wagtail user admin: ``save`` is the admin's own
    save (form, groups, password). When it moved the person to another unit or
    (de)activated the account, :data:`~people.events.UNIT_OR_ACTIVE_CHANGED` is announced
    for after the commit (advocacy re-checks their place on the roster).

    The admin's form has already written its values onto ``user``, so what was there
    before is read from the database, in the same transaction as the save.

    Unticking "active" has the effects of :func:`deactivate_person`; ticking it again those
    of :func:`reactivate_person`.
    """
    with transaction.atomic():
        before = User.objects.filter(pk=user.pk).values_list("unit_id", "is_active").first()
        saved = save()
        if before is not None and before[1] and not saved.is_active:
            _record_deactivation(saved, reason=_("deactivated in the admin"), by=by)
        elif before is not None and not before[1] and saved.is_active:
            _record_reactivation(saved)
        if before is not None and before != (saved.unit_id, saved.is_active):
            event_announce(
                UNIT_OR_ACTIVE_CHANGED,
                user_id=saved.pk,
                unit_id=saved.unit_id,
                is_active=saved.is_active,
            )
    return saved


# Switching a person off and on


def _record_deactivation(person: User, *, reason: str, by) -> None:
    """Stamp an account that was just switched off and announce it (inside a transaction)."""
    now = timezone.now()
    person.deactivated_at = now
    User.objects.filter(pk=person.pk).update(is_active=False, deactivated_at=now)
    event_announce(
        PERSON_DEACTIVATED,
        user_id=person.pk,
        reason=str(reason)[:500],
        by_id=getattr(by, "pk", None),
        at=now,
    )


def _record_reactivation(person: User) -> None:
    person.deactivated_at = None
    User.objects.filter(pk=person.pk).update(is_active=True, deactivated_at=None)
    person_changed(person.pk)


def deactivate_person(person: User, *, reason: str, by) -> bool:
    """Switch ``person`` off because they left (``reason`` says why, for the history;
    ``by`` is who did it, ``None`` for the identity provider).

    From the commit on they cannot sign in, and the sessions they have end with their next
    request (the authentication backends refuse inactive accounts). The announced
    :data:`~people.events.PERSON_DEACTIVATED` makes ``cohorts`` withdraw their open
    enrollments (places go to the waitlist) and ``advocacy`` end their roster membership
    with an event that gives the reason. Reports count them as of any moment before
    ``deactivated_at`` and not after; everything they did stays.

    Returns False (and changes nothing) when the person was already switched off.
    """
    with transaction.atomic():
        current = User.objects.select_for_update().only("pk", "is_active").get(pk=person.pk)
        if not current.is_active:
            return False
        _record_deactivation(person, reason=reason, by=by)
        person.is_active = False
    return True


def reactivate_person(person: User, *, by) -> bool:
    """Switch ``person`` on again: they can sign in. Enrollments withdrawn when they were
    switched off stay withdrawn (they enrol again); the roster re-checks them by its rules.
    Returns False when they were already active."""
    with transaction.atomic():
        current = User.objects.select_for_update().only("pk", "is_active").get(pk=person.pk)
        if current.is_active:
            return False
        _record_reactivation(person)
        person.is_active = True
        event_announce(
            UNIT_OR_ACTIVE_CHANGED, user_id=person.pk, unit_id=person.unit_id, is_active=True
        )
    return True
