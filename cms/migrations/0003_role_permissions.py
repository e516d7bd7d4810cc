"""Give the Trainer group what authoring needs: the Wagtail admin, pages under the home
page, images and documents, and the platform snippets."""

from django.db import migrations

from core.migration_helpers import group_permissions_grant

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add_image", "change_image", "choose_image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "choose_document"),
}
MODEL_PERMISSIONS = {"cms": ("add_platform", "change_platform", "view_platform")}


def grant(apps, schema_editor):
    group_permissions_grant(
        apps,
        groups=["Trainer"],
        permissions={"wagtailadmin": ("access_admin",), **MODEL_PERMISSIONS},
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    trainer = Group.objects.get(name="Trainer")
    home = Page.objects.filter(depth=2).order_by("path").first()
    if home is not None:
        for codename in PAGE_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=trainer, page=home, permission=permission)
    root_collection = Collection.objects.filter(depth=1).first()
    for (app_label, _model), codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            if root_collection is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=trainer, collection=root_collection, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_home_page_and_platforms"),
        ("people", "0002_role_groups"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
