import uuid

from django.db import migrations, models


def create_stamp(apps, schema_editor):
    ContentStamp = apps.get_model("core", "ContentStamp")
    ContentStamp.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_deferred_task"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32, verbose_name="token")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="changed")),
            ],
            options={"verbose_name": "content stamp"},
        ),
        migrations.RunPython(create_stamp, migrations.RunPython.noop),
    ]
