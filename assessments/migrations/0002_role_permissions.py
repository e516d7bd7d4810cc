"""Trainers author practice assignments and their rubrics in the Wagtail admin."""

from django.db import migrations

from core.migration_helpers import group_permissions_grant

CODENAMES = ("add_assignment", "change_assignment", "delete_assignment", "view_assignment")


def grant(apps, schema_editor):
    group_permissions_grant(apps, groups=["Trainer"], permissions={"assessments": CODENAMES})


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("competencies", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
