"""Demo people for Kestrel Rail, a regional rail company: a hub and its spokes.

Every name here is invented. ``seed_demo`` calls :func:`demo_people_seed`; running it
again changes nothing.
"""

import unicodedata
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from core.demo import upsert

from . import roles
from .models import BusinessUnit, User

DEMO_PASSWORD = "spoke-demo"  # noqa: S105 - documented demo password, refused in production
DEMO_DOMAIN = "spoke.example"


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


UNITS = [
    # slug, name, kind, parent slug, description
    ("communications-hub", "Communications hub", BusinessUnit.Kind.HUB, None,
     "Sets social media strategy, policy and training, and enables the spokes."),
    ("marketing", "Marketing", BusinessUnit.Kind.SPOKE, "communications-hub",
     "Campaigns, the brand and the main company accounts."),
    ("customer-support", "Customer support", BusinessUnit.Kind.SPOKE, "communications-hub",
     "Answers travellers by phone, chat and in public replies."),
    ("sales", "Sales", BusinessUnit.Kind.SPOKE, "communications-hub",
     "Business travel contracts and group bookings."),
    ("retail", "Retail", BusinessUnit.Kind.SPOKE, "communications-hub",
     "Station shops and ticket offices."),
    ("operations", "Operations", BusinessUnit.Kind.SPOKE, "communications-hub",
     "Runs the trains; first to know when something goes wrong."),
    ("control-room", "Control room", BusinessUnit.Kind.SPOKE, "operations",
     "Live traffic control and disruption updates."),
    ("people-team", "People team", BusinessUnit.Kind.SPOKE, "communications-hub",
     "HR: hiring, development and the training budget."),
]  # fmt: skip

ACCOUNTS = [
    DemoAccount("admin@spoke.example", "Ada", "Okafor", "communications-hub", "manager",
                is_superuser=True, what="site admin: everything"),
    DemoAccount("trainer@spoke.example", "Tomás", "Lindqvist", "communications-hub", "employee",
                groups=(roles.TRAINER,), manager="admin@spoke.example",
                what="authors courses, runs cohorts, reviews practice"),
    DemoAccount("lead@spoke.example", "Priya", "Raman", "communications-hub", "employee",
                groups=(roles.ADVOCACY_LEAD,), manager="admin@spoke.example",
                what="runs the advocate and ambassador roster"),
    DemoAccount("hr@spoke.example", "Henrike", "Vos", "people-team", "manager",
                groups=(roles.HR,), what="reads competency reports across units"),
    DemoAccount("manager@spoke.example", "Marcus", "Bello", "customer-support", "manager",
                what="a manager who learns and sees their team"),
    DemoAccount("learner@spoke.example", "Lena", "Fischer", "customer-support", "employee",
                manager="manager@spoke.example", what="an employee taking courses"),
]  # fmt: skip

# Invented names, mixed the way a European company's staff list is.
FIRST_NAMES = [
    "Amira", "Bram", "Chloé", "Dario", "Elif", "Finn", "Greta", "Hamid", "Ines", "Jonas",
    "Kaja", "Luca", "Maren", "Nikos", "Olga", "Pieter", "Quinn", "Rosa", "Sami", "Tilde",
    "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zora", "Anouk", "Bilal", "Carmen", "Daan",
    "Emre", "Fleur", "Gideon", "Hedda", "Ivo", "Jasmijn", "Kofi", "Liv", "Milan", "Noor",
    "Oskar", "Paula", "Rafael", "Saskia", "Teun", "Ulla", "Vincent", "Wiebke", "Yara",
    "Zeno", "Aino", "Ben", "Cato", "Dilan",
]  # fmt: skip
LAST_NAMES = [
    "Abbas", "Brouwer", "Costa", "Dekker", "Eriksen", "Ferreira", "Günther", "Hoekstra",
    "Ibrahim", "Jansen", "Kowalski", "Laurent", "Meijer", "Nowak", "Ortiz", "Peeters",
    "Quist", "Rossi", "Schmidt", "Thomsen", "Usman", "Visser", "Wouters", "Yilmaz",
    "Zimmermann", "Aalders", "Bakker", "Claes", "Dumont", "Engel", "Fontaine", "Gomes",
    "Haas", "Iversen", "Jovanović", "Kaya", "Lambert", "Moreau", "Nielsen", "Olsen",
    "Pereira", "Römer", "Sørensen", "Teixeira", "Ulrich", "Vermeulen", "Weber", "Young",
    "Zeller", "Andersen", "Berg", "Conti", "Dijkstra",
]  # fmt: skip

# How many more people each unit gets besides the demo accounts, and its manager's name.
STAFF = {
    "communications-hub": 4,
    "marketing": 10,
    "customer-support": 10,
    "sales": 8,
    "retail": 9,
    "operations": 7,
    "control-room": 5,
    "people-team": 3,
}
UNIT_TIME_ZONES = {"sales": "Europe/London", "control-room": "Europe/Berlin"}
DEFAULT_TIME_ZONE = "Europe/Amsterdam"


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
