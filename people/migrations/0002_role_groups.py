"""Create the groups behind Spoke's roles. Their permissions are granted by the apps that
own what they touch (see ``cms/migrations/0003_role_permissions.py``)."""

from django.db import migrations

GROUP_NAMES = ("Trainer", "HR", "Advocacy lead")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUP_NAMES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
