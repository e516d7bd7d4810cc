"""Demo sharing kit: two live posts and one expired, in the "Posts for advocates" folder
where HR and advocacy leads write them (made if missing, ``share_post_index_ensure``),
published for whoever is on the demo roster, with a few clicks on some links, so the demo
advocates see their kit at /roster/share/ and the lead the counts at /roster/sharing/.

The content is ``demo/content/sharing.yaml``. Publishing makes the links (as it does on the
site); nothing is sent (:func:`demo.helpers.nothing_after_commit`). Run again, it writes
nothing: a post whose slug exists is left as it is.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from advocacy.models import (
    ShareClick,
    ShareLink,
    SharePostIndexPage,
    SharePostPage,
    ShareSuggestion,
)
from advocacy.sharing import share_post_index_ensure
from cms.models import Platform
from demo.content import load_yaml
from demo.helpers import nothing_after_commit


def demo_sharing_seed() -> dict[str, int]:
    content = load_yaml("sharing.yaml")
    index = share_post_index_ensure()
    written = {"posts": 0, "click counts": 0}
    if index is None:
        return written
    platforms = Platform.objects.in_bulk(field_name="slug")
    for plan in content["posts"]:
        if SharePostPage.objects.filter(slug=plan["slug"]).exists():
            continue
        with transaction.atomic(), nothing_after_commit():
            written["click counts"] += _publish(plan, index=index, platforms=platforms)
        written["posts"] += 1
    return written


def _publish(plan: dict, *, index: SharePostIndexPage, platforms: dict) -> int:
    now = timezone.now()
    page = SharePostPage(
        title=plan["title"],
        slug=plan["slug"],
        text=plan["text"],
        link=plan["link"],
        expires_at=now + timedelta(days=max(plan["days_left"], 1)),
    )
    page.platforms = [platforms[slug] for slug in plan["platforms"] if slug in platforms]
    page.suggestions = [
        ShareSuggestion(platform=platforms[slug], text=text)
        for slug, text in plan["per_platform"].items()
        if slug in platforms
    ]
    index.add_child(instance=page)
    page.save_revision().publish()  # makes the links of everyone on the roster
    if plan["days_left"] < 0:
        SharePostPage.objects.filter(pk=page.pk).update(
            expires_at=now + timedelta(days=plan["days_left"])
        )
    links = list(ShareLink.objects.filter(post=page).order_by("advocate__email"))
    rows = [
        ShareClick(link=link, day=(now - timedelta(days=1)).date(), count=count)
        for link, count in zip(links, plan["clicks"], strict=False)
    ]
    ShareClick.objects.bulk_create(rows)
    return len(rows)
