"""Steps data migrations share. Migrations import only from here, never app code that may
change: what these functions do must stay valid for every migration that calls them."""

from collections.abc import Iterable, Mapping

from django.contrib.auth.management import create_permissions


def permissions_ensure(apps) -> None:
    """Create the permission rows of every installed model now (Django makes them only
    after ``migrate`` finishes, too late for a migration that grants them)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def group_permissions_grant(
    apps, *, groups: Iterable[str], permissions: Mapping[str, Iterable[str]]
) -> None:
    """Give each group of ``groups`` (created if missing) the ``permissions``, codenames by
    app label. Granting twice changes nothing."""
    permissions_ensure(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codenames in permissions.items():
        found.extend(
            Permission.objects.filter(
                content_type__app_label=app_label, codename__in=tuple(codenames)
            )
        )
    for name in groups:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*found)
