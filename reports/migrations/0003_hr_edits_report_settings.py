"""HR set the lines the reports draw (the tipping point, crisis-ready people wanted)."""

from django.db import migrations

from core.migration_helpers import group_permissions_grant

CODENAMES = ("change_reportsettings", "view_reportsettings")


def grant(apps, schema_editor):
    group_permissions_grant(apps, groups=["HR"], permissions={"reports": CODENAMES})


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_export"),
        ("people", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
