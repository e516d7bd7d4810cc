"""Demo content for the site shell: the home page, two standard pages, the social media
policy (published twice, so that it is at version 2 and asks for re-acknowledgement), site
settings and the platforms. The words live in ``demo/content/pages/`` and
``demo/content/policy/``. ``seed_demo`` calls :func:`demo_cms_seed`; running it again
changes nothing.
"""

import copy
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from cms.models import HomePage, Platform, PolicyPage, PolicyQuestion, SiteSettings, StandardPage
from cms.platforms import PLATFORMS, SHARE_URLS
from demo import content
from demo.helpers import upsert


def _policy_v2_body(policy: dict) -> list[dict]:
    """Version 1's body with the paragraph after the changed heading replaced."""
    body = copy.deepcopy(policy["body"])
    change = policy["v2"]
    index = next(
        number + 1
        for number, block in enumerate(body)
        if block["type"] == "heading" and block["value"] == change["replaces_after"]
    )
    body[index] = {"type": "paragraph", "value": change["paragraph"]}
    return body


def _policy_seed(home: HomePage) -> int:
    """Publish the policy (version 1), then its material change (version 2). Once the page
    has two versions, leave it alone: editors may have moved on."""
    written = 0
    policy = content.policy()
    page = PolicyPage.objects.child_of(home).filter(slug=policy["slug"]).first()
    if page is None:
        page = PolicyPage(
            title=policy["title"],
            slug=policy["slug"],
            summary=policy["summary"],
            body=copy.deepcopy(policy["body"]),
        )
        page.questions = [
            PolicyQuestion(sort_order=number, **question)
            for number, question in enumerate(policy["questions"])
        ]
        home.add_child(instance=page)
        page.save_revision().publish()  # the first publication starts version 1
        # Version 1 has been in force for a while: the demo shows people who acknowledged it.
        page.versions.filter(number=1).update(published_at=timezone.now() - timedelta(days=120))
        written += 1
    if page.versions.count() < 2:
        draft = page.get_latest_revision_as_object()
        draft.body = _policy_v2_body(policy)
        draft.material_change = True
        draft.change_note = policy["v2"]["change_note"]
        draft.save_revision().publish()  # a material change starts version 2
        written += 1
    return written


def _without_ids(blocks) -> list[dict]:
    return [{"type": block["type"], "value": block["value"]} for block in blocks]


def _publish_if_changed(page, values: dict) -> bool:
    """Publish a new revision only when a field differs (block ids aside)."""

    def current(name):
        value = getattr(page, name)
        return _without_ids(value.raw_data) if name == "body" else value

    def wanted(name):
        return _without_ids(values[name]) if name == "body" else values[name]

    changed = [name for name in values if current(name) != wanted(name)]
    if not changed:
        return False
    for name in changed:
        # Wagtail adds block ids to the list it is given: hand it a copy of the content.
        setattr(page, name, copy.deepcopy(values[name]))
    page.save_revision().publish()
    return True


@transaction.atomic
def demo_cms_seed() -> dict[str, int]:
    """Fill the home page, add the standard pages, the policy and the settings, sync the
    platforms."""
    written = {"pages": 0, "platforms": 0, "settings": 0}
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run 'manage.py migrate' first.")
    site_pages = content.site_pages()
    written["pages"] += _publish_if_changed(home, site_pages["home"])
    for data in site_pages["pages"]:
        page = StandardPage.objects.child_of(home).filter(slug=data["slug"]).first()
        if page is None:
            page = StandardPage(title=data["title"], slug=data["slug"], intro=data["intro"],
                                body=copy.deepcopy(data["body"]))  # fmt: skip
            home.add_child(instance=page)
            page.save_revision().publish()
            written["pages"] += 1
        else:
            written["pages"] += _publish_if_changed(
                page, {"title": data["title"], "intro": data["intro"], "body": data["body"]}
            )
    written["pages"] += _policy_seed(home)
    for data in PLATFORMS:
        _, changed = upsert(
            Platform,
            lookup={"slug": data["slug"]},
            values={
                **{k: v for k, v in data.items() if k != "slug"},
                "post_patterns": "\n".join(data["post_patterns"]),
                "profile_patterns": "\n".join(data["profile_patterns"]),
                "share_url_template": SHARE_URLS.get(data["slug"], ""),
            },
        )
        written["platforms"] += changed
    site = Site.objects.get(is_default_site=True)
    _, changed = upsert(
        SiteSettings,
        lookup={"site": site},
        values={
            "company_name": "Kestrel Rail",
            "help_email": "spoke-help@spoke.example",
            "time_zone": "Europe/Amsterdam",  # the head office's: reports count days here
        },
    )
    written["settings"] += changed
    return written
