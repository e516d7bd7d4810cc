"""The sharing kit: posts the hub offers advocates, their tracked links and the clicks.

How a link is made (no writes when a page is read): a :class:`ShareLink` row with a random
8-character code per post and advocate is created when the post is published, for everyone
then on the roster (``signals``), and when someone joins or comes back to the roster, for
the posts live then (``handlers``). Each of these sends nothing but the one e-mail "a new
post to share", once per person and post, for a publication.

``/s/<code>/`` (:func:`share_follow`) always sends the reader to the post's stored https
link, never anywhere the address names: a code that is malformed or unknown (a deleted
post takes its links with it) is a 404; a post that was unpublished sends the reader to
the site's home page, uncounted; an expired post still redirects and still counts.

A click counts once per reader and link in each hour: the reader is a hash of their
address and browser with the site's secret, kept in the cache for the hour and never
written to the database. When the cache is down the click still redirects and counts,
without de-duplication.
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Sum
from django.urls import reverse
from django.utils import timezone

from core.tasks import notify_after_commit
from people import roles

from .models import (
    RosterMembership,
    ShareClick,
    ShareLink,
    SharePostIndexPage,
    SharePostPage,
    ShareSuggestion,
    SharingChoice,
)

logger = logging.getLogger(__name__)

EMAIL = "advocacy/email/"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8}$")
CLICK_WINDOW_SECONDS = 3600


def user_may_run_kit(user) -> bool:
    """The hub writes posts and reads the counts: HR, advocacy leads and site admins."""
    return roles.user_is_hr(user) or roles.user_is_advocacy_lead(user)


def user_is_advocate(user) -> bool:
    return (
        user.is_authenticated
        and RosterMembership.objects.filter(
            user=user, status__in=RosterMembership.ON_ROSTER
        ).exists()
    )


def live_posts(*, now):
    return SharePostPage.objects.live().filter(expires_at__gt=now)


HUB_GROUPS = (roles.HR, roles.ADVOCACY_LEAD)
HUB_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
HUB_IMAGE_PERMISSIONS = ("choose_image",)
# The hub uploads the images of its posts into a collection of its own (and nowhere else).
HUB_COLLECTION = "Posts for advocates"
HUB_COLLECTION_PERMISSIONS = ("add_image", "choose_image")


@transaction.atomic
def share_post_index_ensure() -> SharePostIndexPage | None:
    """The folder of posts for advocates under the home page, made if missing, with every
    post moved into it and the hub's groups allowed to write there (and only there), and
    to upload images into the "Posts for advocates" collection (and only there).

    ``migrations/0006`` does the same on an existing site; this is for a site whose home
    page came later (the demo, a restored tree). Calling it again changes nothing. None
    when there is no home page to put it under.
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    from cms.models import HomePage

    index = SharePostIndexPage.objects.order_by("path").first()
    if index is None:
        home = HomePage.objects.order_by("path").first()
        if home is None:
            return None
        index = SharePostIndexPage(title="Posts for advocates", slug="posts-for-advocates")
        home.add_child(instance=index)
    for post in SharePostPage.objects.not_descendant_of(index).order_by("path"):
        post.move(index, pos="last-child")
    page_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=HUB_PAGE_PERMISSIONS
        )
    )
    image_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailimages", codename__in=HUB_IMAGE_PERMISSIONS
        )
    )
    root_collection = Collection.get_first_root_node()
    hub_collection = None
    collection_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailimages", codename__in=HUB_COLLECTION_PERMISSIONS
        )
    )
    if root_collection is not None:
        hub_collection = root_collection.get_children().filter(
            name=HUB_COLLECTION
        ).first() or root_collection.add_child(name=HUB_COLLECTION)
    for name in HUB_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )
        if root_collection is not None:
            for permission in image_permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
            for permission in collection_permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=hub_collection, permission=permission
                )
    return index


def _advocate_ids():
    return set(
        RosterMembership.objects.filter(
            status__in=RosterMembership.ON_ROSTER, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _new_code() -> str:
    return secrets.token_urlsafe(6)  # 8 characters of [A-Za-z0-9_-]


def _links_create(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Create a link for each (post id, user id) that has none; return the pairs created."""
    if not pairs:
        return []
    posts = {post for post, _user in pairs}
    users = {user for _post, user in pairs}
    existing = set(
        ShareLink.objects.filter(post_id__in=posts, advocate_id__in=users).values_list(
            "post_id", "advocate_id"
        )
    )
    created = []
    for post_id, user_id in pairs:
        if (post_id, user_id) in existing:
            continue
        for _attempt in range(3):  # a code already taken (1 in 2^48): draw another
            try:
                with transaction.atomic():
                    ShareLink.objects.create(post_id=post_id, advocate_id=user_id, code=_new_code())
            except IntegrityError:
                if ShareLink.objects.filter(post_id=post_id, advocate_id=user_id).exists():
                    break  # made meanwhile by someone else
                continue
            created.append((post_id, user_id))
            break
    return created


def share_links_for_post(*, post: SharePostPage, now) -> int:
    """The post was published: a link for everyone on the roster, and one e-mail each
    (once per person and post, however often it is republished)."""
    if post.expires_at <= now:
        return 0
    created = _links_create([(post.pk, user_id) for user_id in sorted(_advocate_ids())])
    for _post_id, user_id in created:
        notify_after_commit(
            user_id=user_id,
            key=f"sharing:post:{post.pk}:{user_id}",
            template=EMAIL + "share_post",
            context={"title": post.title, "path": reverse("advocacy:share_kit")},
        )
    return len(created)


def share_links_for_person(*, user_id: int, now) -> int:
    """Someone is (back) on the roster: their links for the posts live now."""
    if user_id not in _advocate_ids():
        return 0
    post_ids = live_posts(now=now).values_list("pk", flat=True)
    return len(_links_create([(post_id, user_id) for post_id in post_ids]))


# --- The kit ---------------------------------------------------------------------------------


@dataclass
class ShareButton:
    platform: str
    url: str
    text: str


@dataclass
class KitPost:
    post: SharePostPage
    short_url: str  # "" while the link is being made
    buttons: list[ShareButton] = field(default_factory=list)


def kit_for(*, user, now, base_url: str) -> list[KitPost]:
    """The live posts with this person's link and one share button per suited platform
    that has a share address. A fixed number of queries."""
    posts = (
        live_posts(now=now)
        .select_related("image")
        .prefetch_related(
            "platforms",
            Prefetch("suggestions", queryset=ShareSuggestion.objects.order_by("sort_order")),
        )
        .order_by("expires_at", "pk")
    )
    posts = list(posts)
    codes = dict(
        ShareLink.objects.filter(advocate=user, post__in=[p.pk for p in posts]).values_list(
            "post_id", "code"
        )
    )
    kit = []
    for post in posts:
        code = codes.get(post.pk)
        short_url = f"{base_url}{reverse('share_follow', args=[code])}" if code else ""
        item = KitPost(post=post, short_url=short_url)
        if short_url:
            for platform in post.platforms.all():
                text = post.text_for(platform.pk)
                url = platform.share_url(url=short_url, text=text)
                if url:
                    item.buttons.append(ShareButton(platform=platform.name, url=url, text=text))
        kit.append(item)
    return kit


def sharing_choice(user) -> bool:
    return SharingChoice.objects.filter(user=user, show_name=True).exists()


def sharing_choice_set(*, user, show_name: bool) -> None:
    SharingChoice.objects.update_or_create(user=user, defaults={"show_name": show_name})


# --- Following a link ------------------------------------------------------------------------


def _reader_key(link: ShareLink, *, address: str, agent: str, now) -> str:
    hour = now.strftime("%Y%m%d%H")
    raw = f"{settings.SECRET_KEY}|{link.pk}|{address}|{agent}|{hour}"
    return "share-click:" + hashlib.sha256(raw.encode()).hexdigest()


def _first_in_window(key: str) -> bool:
    try:
        return bool(cache.add(key, 1, CLICK_WINDOW_SECONDS))
    except Exception:  # the cache is down: count without de-duplication
        logger.warning("sharing: cache unavailable, click counted without de-duplication")
        return True


def share_follow(*, code: str, address: str, agent: str, now) -> str | None:
    """Where ``/s/<code>/`` sends the reader (counting the click), or None for a 404."""
    if not CODE_PATTERN.match(code or ""):
        return None
    link = ShareLink.objects.select_related("post").filter(code=code).first()
    if link is None:
        return None
    if not link.post.live:
        return "/"
    if _first_in_window(_reader_key(link, address=address, agent=agent[:300], now=now)):
        day = timezone.localdate(now)
        click, _created = ShareClick.objects.get_or_create(link=link, day=day)
        ShareClick.objects.filter(pk=click.pk).update(count=F("count") + 1)
    return link.post.link


# --- The hub's counts ------------------------------------------------------------------------


@dataclass
class PostCounts:
    post: SharePostPage
    total: int
    advocates: int
    units: list[tuple[str, int]]
    named: list[tuple[str, int]]


def hub_counts() -> list[PostCounts]:
    """Clicks per post and per unit (the advocate's unit), and per person only for those
    who chose to show their name. A fixed number of queries."""
    posts = list(SharePostPage.objects.order_by("-first_published_at", "-pk"))
    totals = dict(ShareClick.objects.values_list("link__post_id").annotate(total=Sum("count")))
    advocates = dict(ShareLink.objects.values_list("post_id").annotate(n=Count("pk")))
    units: dict[int, dict[str, int]] = {}
    for post_id, unit, clicks in ShareClick.objects.values_list(
        "link__post_id", "link__advocate__unit__name"
    ).annotate(total=Sum("count")):
        per_post = units.setdefault(post_id, {})
        label = unit or "—"
        per_post[label] = per_post.get(label, 0) + clicks
    named: dict[int, list[tuple[str, int]]] = {}
    rows = (
        ShareClick.objects.filter(link__advocate__sharing_choice__show_name=True)
        .values_list(
            "link__post_id",
            "link__advocate__first_name",
            "link__advocate__last_name",
            "link__advocate__email",
        )
        .annotate(total=Sum("count"))
        .order_by("link__post_id", "-total")
    )
    for post_id, first, last, email, clicks in rows:
        name = f"{first} {last}".strip() or email
        named.setdefault(post_id, []).append((name, clicks))
    return [
        PostCounts(
            post=post,
            total=totals.get(post.pk, 0) or 0,
            advocates=advocates.get(post.pk, 0),
            units=sorted(units.get(post.pk, {}).items()),
            named=named.get(post.pk, []),
        )
        for post in posts
    ]
