"""Demo people for Kestrel Rail, a regional rail company: a hub and its spokes.

Every name is invented; they live in ``demo/content/people.yaml``. ``seed_demo`` calls
:func:`demo_people_seed`; running it again changes nothing.
"""

import unicodedata
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from demo import content
from demo.helpers import upsert
from people.models import BusinessUnit, User

_DATA = content.load_yaml("people.yaml")
DEMO_PASSWORD = _DATA["password"]
DEMO_DOMAIN = _DATA["domain"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    unit: str
    role: str
    groups: tuple[str, ...] = ()
    manager: str | None = None
    is_superuser: bool = False
    what: str = ""


# slug, name, kind, parent slug, description
UNITS = [
    (unit["slug"], unit["name"], unit["kind"], unit["parent"], unit["description"])
    for unit in _DATA["units"]
]
ACCOUNTS = [
    DemoAccount(**{**account, "groups": tuple(account.get("groups", ()))})
    for account in _DATA["accounts"]
]
FIRST_NAMES = _DATA["first_names"]
LAST_NAMES = _DATA["last_names"]
# How many more people each unit gets besides the demo accounts.
STAFF = _DATA["staff"]
UNIT_TIME_ZONES = {unit: zone for unit, zone in _DATA["time_zones"].items() if unit != "default"}
DEFAULT_TIME_ZONE = _DATA["time_zones"]["default"]


def _ascii(name: str) -> str:
    """'Jovanović' -> 'jovanovic': e-mail local parts stay plain ASCII."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ø", "o").replace("Ø", "O"))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def _demo_staff():
    """The generated staff as (email, first, last, unit slug, role, manager email)."""
    people = []
    index = 0
    unit_heads = {"customer-support": "manager@spoke.example", "people-team": "hr@spoke.example"}
    for unit_slug, count in STAFF.items():
        head = unit_heads.get(unit_slug)
        for position in range(count):
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
            email = f"{_ascii(first)}.{_ascii(last)}@{DEMO_DOMAIN}"
            index += 1
            if head is None and position == 0:
                people.append((email, first, last, unit_slug, "manager", "admin@spoke.example"))
                head = email
                continue
            people.append((email, first, last, unit_slug, "employee", head))
    return people


@transaction.atomic
def demo_people_seed() -> dict[str, int]:
    """Create Kestrel Rail's units and people. Returns counts of rows written."""
    written = {"units": 0, "people": 0}
    units: dict[str, BusinessUnit] = {}
    for slug, name, kind, parent_slug, description in UNITS:
        unit, changed = upsert(
            BusinessUnit,
            lookup={"slug": slug},
            values={
                "name": name,
                "kind": kind,
                "parent": units.get(parent_slug),
                "description": description,
            },
        )
        units[slug] = unit
        written["units"] += changed

    people: dict[str, User] = {}

    def put(email, first, last, unit_slug, role, manager_email, **extra):
        values = {
            "first_name": first,
            "last_name": last,
            "unit": units[unit_slug],
            "role": role,
            "manager": people.get(manager_email) if manager_email else None,
            "time_zone": UNIT_TIME_ZONES.get(unit_slug, DEFAULT_TIME_ZONE),
            **extra,
        }
        person, changed = upsert(User, lookup={"email": email}, values=values)
        people[email] = person
        written["people"] += changed
        return person

    for account in ACCOUNTS:
        person = put(
            account.email, account.first_name, account.last_name, account.unit, account.role,
            account.manager, is_superuser=account.is_superuser, is_staff=account.is_superuser,
        )  # fmt: skip
        if not person.check_password(DEMO_PASSWORD):
            person.set_password(DEMO_PASSWORD)
            person.save(update_fields=["password"])
            written["people"] += 1
        wanted = set(account.groups)
        current = set(person.groups.values_list("name", flat=True))
        if wanted - current:
            person.groups.add(*Group.objects.filter(name__in=wanted - current))
        EmailAddress.objects.get_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )

    for email, first, last, unit_slug, role, manager_email in _demo_staff():
        person = put(email, first, last, unit_slug, role, manager_email)
        if person.has_usable_password():
            person.set_unusable_password()
            person.save(update_fields=["password"])
    return written
