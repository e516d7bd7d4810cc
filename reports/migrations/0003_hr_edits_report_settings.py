"""HR set the lines the reports draw (the tipping point, crisis-ready people wanted)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("change_reportsettings", "view_reportsettings")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="HR")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="reports", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_export"),
        ("people", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
