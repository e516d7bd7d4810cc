"""Pages and documents can no longer be protected by a shared password.

A shared password is checked by a Wagtail page of its own, outside allauth: no account,
no two-factor, no rate limit. The option is off (``WAGTAIL_PRIVATE_PAGE_OPTIONS``,
``WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS``) and that page is closed (``lms/urls.py``).
A restriction made before then would leave its page behind a form nobody can pass, so it
becomes "users in specific groups" with no group chosen yet: only site admins see the
page or document until someone picks who else may. Failing closed keeps private content
private; the privacy setting in the admin shows what changed.
"""

from django.db import migrations

PASSWORD = "password"
GROUPS = "groups"


def close_shared_passwords(apps, schema_editor):
    for model_name in ("PageViewRestriction", "CollectionViewRestriction"):
        model = apps.get_model("wagtailcore", model_name)
        model.objects.filter(restriction_type=PASSWORD).update(restriction_type=GROUPS, password="")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_policypage_policyquestion_policyversion"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(close_shared_passwords, migrations.RunPython.noop, elidable=True),
    ]
