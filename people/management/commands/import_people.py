"""``manage.py import_people FILE.csv [--dry-run]``: the staff import from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.models import User
from people.services import COLUMNS, REQUIRED_COLUMNS, ImportResult, people_import_csv


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def summary(result: ImportResult, *, dry_run: bool) -> str:
    """``Imported 58 people: 50 created, 8 updated; 3 units created.``"""
    total = result.people_created + result.people_updated + result.people_unchanged
    people = f"{result.people_created} created, {result.people_updated} updated"
    if result.people_unchanged:
        people += f", {result.people_unchanged} unchanged"
    units = _count(result.units_created, "unit", "units")
    if dry_run:
        return (
            f"Dry run: would import {_count(total, 'person', 'people')}: {people}; "
            f"{units} would be created. Nothing was written."
        )
    return f"Imported {_count(total, 'person', 'people')}: {people}; {units} created."


class Command(BaseCommand):
    help = (
        "Create or update people and business units from a UTF-8 CSV file with the columns "
        f"{', '.join(REQUIRED_COLUMNS)} and, if you like, "
        f"{', '.join(c for c in COLUMNS if c not in REQUIRED_COLUMNS)} (a column left out "
        "keeps what is stored). All or nothing: a file with any problem imports nobody."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="the file is the whole staff list: deactivate every active person who is not "
            "in it (never superusers, nor the person given with --by); with --dry-run, list "
            "them",
        )
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            default="",
            help="the e-mail address of the person running the import (recorded, and never "
            "deactivated)",
        )

    def handle(
        self, *args, file: str, dry_run: bool, deactivate_missing: bool, by: str, **options
    ) -> None:
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        runner = None
        if by:
            runner = User.objects.filter(email__iexact=by.strip()).first()
            if runner is None:
                raise CommandError(f"--by {by}: nobody in Spoke has this address.")

        result = people_import_csv(
            file=data, dry_run=dry_run, deactivate_missing=deactivate_missing, by=runner
        )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            found = _count(len(result.problems), "problem", "problems")
            raise CommandError(f"{found} in {file}. Nothing was imported.")
        self.stdout.write(self.style.SUCCESS(summary(result, dry_run=dry_run)))
        if deactivate_missing:
            count = _count(len(result.deactivated), "person", "people")
            verb = "Would deactivate" if dry_run else "Deactivated"
            self.stdout.write(
                f"{verb} {count} not in the file" + (":" if result.deactivated else ".")
            )
            for email in result.deactivated:
                self.stdout.write(f"  {email}")
