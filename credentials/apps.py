from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from core.pagecache import stamp_on_change

        # Every event that issues or revokes a credential is heard in one module.
        from . import handlers  # noqa: F401
        from .models import CompetencyCredentialLevel

        # Which level earns a credential is read alike for everyone.
        stamp_on_change(CompetencyCredentialLevel)
