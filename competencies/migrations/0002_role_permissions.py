"""Trainers and HR keep the competency framework in the Wagtail admin."""

from django.db import migrations

from core.migration_helpers import group_permissions_grant

CODENAMES = ("add_competency", "change_competency", "view_competency")


def grant(apps, schema_editor):
    group_permissions_grant(
        apps,
        groups=["Trainer", "HR"],
        permissions={"competencies": CODENAMES, "wagtailadmin": ("access_admin",)},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0001_initial"),
        ("cms", "0003_role_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
