"""Create, rotate and list the keys that sign credentials."""

from django.core.management.base import BaseCommand, CommandError

from credentials import keys
from credentials.models import SigningKey


class Command(BaseCommand):
    help = (
        "Manage the Ed25519 keys that sign credentials. 'create' makes the first key (refused "
        "when one is in use), 'rotate' makes a new current key and retires the old one (still "
        "published, so what it signed still verifies), 'list' shows them. Private keys are "
        "written to SPOKE_CREDENTIALS_KEY_DIR, never to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "rotate", "list"])

    def handle(self, *args, action: str, **options):
        if action == "list":
            self._list()
            return
        if action == "create" and not keys.signing_state():
            raise CommandError("A signing key is already in use; use 'rotate' to replace it.")
        try:
            key = keys.key_create(retire_current=True)
        except OSError as exc:
            raise CommandError(f"Cannot write the private key in {keys.key_dir()}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Signing key {key.kid} created; private key in {keys.key_dir()}.")
        )
        if action == "rotate":
            self.stdout.write("Older keys stay published in the issuer profile.")

    def _list(self):
        rows = list(SigningKey.objects.order_by("created_at", "pk"))
        if not rows:
            self.stdout.write("No signing keys yet: run 'manage.py credentials_keys create'.")
            return
        for key in rows:
            state = f"retired {key.retired_at:%Y-%m-%d}" if key.retired_at else "current"
            present = (
                "private key present"
                if keys.private_key_present(key.kid)
                else "NO PRIVATE KEY FILE"
            )
            self.stdout.write(
                f"{key.kid:<10} created {key.created_at:%Y-%m-%d}  {state:<20} {present}"
            )
        problem = keys.signing_state()
        if problem:
            self.stdout.write(self.style.WARNING(f"Cannot sign: {problem}"))
