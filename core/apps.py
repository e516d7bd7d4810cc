from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_migrate

        from . import pagecache, personcache

        # The content stamp is read once per request (core.pagecache).
        request_started.connect(pagecache.request_started, dispatch_uid="core_stamp_start")
        request_finished.connect(pagecache.request_finished, dispatch_uid="core_stamp_end")
        # A person's kept pages end when a row about them is written (core.personcache).
        personcache.connect_person_stamp()
        from .models import NotificationLog

        # One row per message sent: no page shows it.
        personcache.never_on_kept_pages(NotificationLog)
        # A deploy (new code, maybe new shapes of what is cached) starts from a new stamp.
        post_migrate.connect(
            _stamp_after_migrate, sender=self, dispatch_uid="core_stamp_after_migrate"
        )


def _stamp_after_migrate(using="default", **_kwargs) -> None:
    import contextlib

    from django.db import DatabaseError

    from . import pagecache

    with contextlib.suppress(DatabaseError):  # migrating backwards past the stamp's table
        pagecache.content_changed()
