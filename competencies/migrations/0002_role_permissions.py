"""Trainers and HR keep the competency framework in the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("add_competency", "change_competency", "view_competency")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    competency_permissions = Permission.objects.filter(
        content_type__app_label="competencies", codename__in=CODENAMES
    )
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in ("Trainer", "HR"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin, *competency_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0001_initial"),
        ("cms", "0003_role_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
