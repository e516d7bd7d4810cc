"""``manage.py scim_token_create NAME``: a bearer token for an identity provider's SCIM
provisioning, printed once (Spoke keeps only its SHA-256 digest)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from people.scim.services import scim_token_create


class Command(BaseCommand):
    help = (
        "Make a SCIM provisioning token named NAME (e.g. 'Entra ID') and print it once. "
        "Revoke it in the Wagtail admin (Settings → Provisioning tokens)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="what the token is for, e.g. 'Entra ID production'")

    def handle(self, *args, name: str, **options) -> None:
        try:
            token, secret = scim_token_create(name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(secret)
        self.stderr.write(
            f"Token “{token.name}” made. Copy it now into the identity provider's "
            "'Secret Token' (Entra ID) or 'API token' (Okta): Spoke keeps only its digest "
            "and cannot show it again."
        )
