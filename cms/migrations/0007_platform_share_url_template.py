import cms.models
from django.db import migrations, models


def seed_share_urls(apps, schema_editor):
    from cms.platforms import SHARE_URLS

    Platform = apps.get_model("cms", "Platform")
    for slug, template in SHARE_URLS.items():
        Platform.objects.filter(slug=slug, share_url_template="").update(
            share_url_template=template
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_document_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="platform",
            name="share_url_template",
            field=models.CharField(
                blank=True,
                help_text="An https address that shares a page, with {url} where the page's address goes and, optionally, {text} for a short text. Empty: no share link for this platform.",
                max_length=300,
                validators=[cms.models.validate_share_url_template],
                verbose_name="share link",
            ),
        ),
        migrations.RunPython(seed_share_urls, migrations.RunPython.noop),
    ]
