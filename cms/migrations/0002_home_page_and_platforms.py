"""Replace Wagtail's welcome page with Spoke's home page and seed the platforms."""

import uuid

from django.db import migrations

INTRO = (
    "<p>Spoke teaches managers and employees to use social media well: short lessons in "
    "small groups, real practice on the platforms between sessions, and feedback from a "
    "trainer. The people who want to can then speak for the company as advocates.</p>"
)


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms", "HomePage")

    welcome_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=welcome_type, depth=2, slug="home").delete()
    if HomePage.objects.exists():
        return
    home_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code="en")
    home = HomePage.objects.create(
        title="Spoke",
        draft_title="Spoke",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=locale,
        translation_key=uuid.uuid4(),
        headline="Learn to speak for your company online",
        intro=INTRO,
        body="[]",
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
                        site_name="Spoke")  # fmt: skip


def seed_platforms(apps, schema_editor):
    from cms.platforms import PLATFORMS

    Platform = apps.get_model("cms", "Platform")
    for data in PLATFORMS:
        Platform.objects.update_or_create(
            slug=data["slug"],
            defaults={
                **data,
                "post_patterns": "\n".join(data["post_patterns"]),
                "profile_patterns": "\n".join(data["profile_patterns"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_home_page, migrations.RunPython.noop),
        migrations.RunPython(seed_platforms, migrations.RunPython.noop),
    ]
