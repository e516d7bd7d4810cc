"""``manage.py person_erase EMAIL [--yes]``: erase a person (see ``people.privacy``).

Works without a worker or Redis: everything happens in this process, files included."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from people.privacy import ErasureRefused, person_by_email, person_erase, person_erasure_check


class Command(BaseCommand):
    help = (
        "Erase a person: their name, addresses, sign-in methods, reflections, screenshots, "
        "handles and other personal data go; the rows figures need stay under a pseudonym."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the person's e-mail address")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, email: str, yes: bool, **options):
        person = person_by_email(email)
        if person is None:
            raise CommandError(f"Nobody has the address {email!r}.")
        try:
            person_erasure_check(person=person)
        except ErasureRefused as error:
            raise CommandError(" ".join(error.messages)) from None
        if not yes:
            self.stdout.write(
                f"This erases {person.email} for good: name, addresses, sign-in, reflections, "
                "screenshots, handles and feedback. Figures and history stay under a pseudonym."
            )
            if not person.is_active:
                self.stdout.write("Their account is deactivated.")
            else:
                self.stdout.write(
                    "Their account is still active: reports keep counting them (deactivate "
                    "them first if they have left)."
                )
            answer = input(f"Type the address again to erase {person.email}: ")
            if answer.strip().lower() != person.email.lower():
                raise CommandError("Not confirmed: nothing was erased.")
        try:
            result = person_erase(person=person, by=None, now=timezone.now(), via="command")
        except ErasureRefused as error:
            raise CommandError(" ".join(error.messages)) from None
        deleted = sum(sum(part.deleted.values()) for part in result.parts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased: now {result.pseudonym} (reference {result.reference}); "
                f"{deleted} personal records and {result.files_deleted} files deleted."
            )
        )
