"""Fill an empty Spoke with a believable company and demo accounts for every role."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from demo.helpers import demo_guard
from demo.seeds.advocacy import demo_advocacy_seed
from demo.seeds.assessments import demo_assessments_seed
from demo.seeds.cms import demo_cms_seed
from demo.seeds.coaching import demo_coaching_seed
from demo.seeds.cohorts import demo_cohorts_seed
from demo.seeds.competencies import demo_competencies_seed, demo_history_seed
from demo.seeds.courses import demo_courses_seed
from demo.seeds.credentials import demo_credentials_seed
from demo.seeds.people import ACCOUNTS, DEMO_PASSWORD, demo_people_seed
from demo.seeds.planb import demo_planb_seed
from demo.seeds.sharing import demo_sharing_seed


class Command(BaseCommand):
    help = (
        "Seed demo content: Kestrel Rail's units, about 60 people, demo accounts for every "
        "role, pages, the policy, platforms, a year of competency evidence, courses, cohorts, "
        "practice in every state, the advocacy roster and credentials (earned, hidden, "
        "revoked). Safe to run again; refused in production."
    )

    def handle(self, *args, **options):
        try:
            demo_guard()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        # In dependency order: each app seeds its own content.
        steps = [
            ("people", demo_people_seed),
            ("site pages", demo_cms_seed),
            ("competency framework", demo_competencies_seed),
            ("a year of competency evidence", demo_history_seed),
            ("courses", demo_courses_seed),
            ("cohorts", demo_cohorts_seed),
            ("practice assignments", demo_assessments_seed),
            ("advocacy roster", demo_advocacy_seed),
            ("Plan B call-outs", demo_planb_seed),
            ("sharing kit", demo_sharing_seed),
            ("coaching", demo_coaching_seed),
            ("credentials", demo_credentials_seed),
        ]
        for label, seed in steps:
            written = seed()
            summary = ", ".join(f"{count} {what}" for what, count in written.items())
            self.stdout.write(f"  {label}: {summary or 'nothing'} written")
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.email:<24} {account.what}")
