"""Give the posts for advocates their own folder, and give the hub the right to write there.

Until now only site admins wrote posts (0004): they sat right under the home page, and
Wagtail's page permissions on the home page would have reached every course. This puts
one "Posts for advocates" page (``SharePostIndexPage``) under the home page, moves the
existing posts into it, and gives the HR and Advocacy lead groups add, change and publish
on that page only, plus choosing an image from the library for a post. Running it again
changes nothing. ``advocacy.sharing.share_post_index_ensure`` takes the same steps with
the live models, for a site whose home page came after this migration (the demo seed
calls it).

Wagtail's tree (treebeard's materialised path) is written by hand here: migrations see the
historical models, which have none of its methods.
"""

import uuid

from django.db import migrations

from core.migration_helpers import permissions_ensure

GROUPS = ("HR", "Advocacy lead")
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
IMAGE_PERMISSIONS = ("choose_image",)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
TITLE, SLUG = "Posts for advocates", "posts-for-advocates"


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _next_child_path(Page, parent) -> str:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    return parent.path + _step(number)


def _free_slug(Page, parent, slug: str) -> str:
    siblings = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    candidate, n = slug, 1
    while siblings.filter(slug=candidate).exists():
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def place_and_grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    Index = apps.get_model("advocacy", "SharePostIndexPage")
    SharePostPage = apps.get_model("advocacy", "SharePostPage")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return  # no site yet: share_post_index_ensure does this once there is one
    index = Index.objects.order_by("path").first()
    if index is None:
        index_type, _ = ContentType.objects.get_or_create(
            app_label="advocacy", model="sharepostindexpage"
        )
        slug = _free_slug(Page, home, SLUG)
        index = Index.objects.create(
            title=TITLE,
            draft_title=TITLE,
            slug=slug,
            content_type=index_type,
            path=_next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            live=True,
            locale_id=home.locale_id,
            translation_key=uuid.uuid4(),
        )
        Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)

    # Posts have no children (subpage_types = []): moving one is rewriting its own row.
    for post in SharePostPage.objects.exclude(path__startswith=index.path).order_by("path"):
        old_parent = Page.objects.get(path=post.path[:-STEPLEN])
        index.refresh_from_db()
        slug = _free_slug(Page, index, post.slug)
        Page.objects.filter(pk=post.pk).update(
            path=_next_child_path(Page, index),
            depth=index.depth + 1,
            slug=slug,
            url_path=f"{index.url_path}{slug}/",
        )
        Page.objects.filter(pk=index.pk).update(numchild=index.numchild + 1)
        Page.objects.filter(pk=old_parent.pk).update(numchild=max(old_parent.numchild - 1, 0))

    permissions_ensure(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    )
    image_permissions = Permission.objects.filter(
        content_type__app_label="wagtailimages", codename__in=IMAGE_PERMISSIONS
    )
    root_collection = Collection.objects.filter(depth=1).first()
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=index.pk, permission=permission
            )
        if root_collection is not None:
            for permission in image_permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0005_share_post_index"),
        ("cms", "0008_site_time_zone"),
        ("people", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(place_and_grant, migrations.RunPython.noop)]
