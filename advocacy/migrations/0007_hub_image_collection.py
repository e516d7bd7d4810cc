"""Let the hub upload the images of its posts: a "Posts for advocates" image collection,
where the HR and Advocacy lead groups may add (upload) and choose images, and nowhere
else. Until now they could only choose an image someone else had uploaded (0006).
``advocacy.sharing.share_post_index_ensure`` does the same with the live models. Running it
again changes nothing.

Wagtail's collections are a tree (treebeard's materialised path), written by hand here:
migrations see the historical models, which have none of its methods.
"""

from django.db import migrations

from core.migration_helpers import permissions_ensure

GROUPS = ("HR", "Advocacy lead")
NAME = "Posts for advocates"
PERMISSIONS = ("add_image", "choose_image")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def collection_and_grant(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return  # no collections yet: share_post_index_ensure does this once there are
    children = Collection.objects.filter(path__startswith=root.path, depth=2)
    collection = children.filter(name=NAME).first()
    if collection is None:
        last = children.order_by("-path").values_list("path", flat=True).first()
        number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
        collection = Collection.objects.create(
            name=NAME, path=root.path + _step(number), depth=2, numchild=0
        )
        Collection.objects.filter(pk=root.pk).update(numchild=children.count())

    permissions_ensure(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailimages", codename__in=PERMISSIONS
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        for permission in permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [("advocacy", "0006_share_post_index_place_and_grant")]

    operations = [migrations.RunPython(collection_and_grant, migrations.RunPython.noop)]
