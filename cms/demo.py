"""Demo content for the site shell: the home page, two standard pages, site settings and
the platforms. ``seed_demo`` calls :func:`demo_cms_seed`; running it again changes nothing.
"""

import copy

from django.db import transaction
from wagtail.models import Site

from core.demo import upsert

from .models import HomePage, Platform, SiteSettings, StandardPage
from .platforms import PLATFORMS

HOME_INTRO = (
    "<p>Kestrel Rail's people talk to travellers every day, and more and more of that "
    "happens online. Spoke is where we learn to do it well: short sessions in small groups, "
    "real practice on the platforms in between, and feedback from a trainer.</p>"
)

HOME_BODY = [
    {"type": "heading", "value": "How it works"},
    {
        "type": "paragraph",
        "value": (
            "<ol><li>Join a cohort for your role: managers first, then everyone who wants to "
            "speak for the company.</li><li>Read a short lesson before each session and talk "
            "it through together.</li><li>Between sessions, do something real: tidy your "
            "profile, listen to what travellers say, answer a question in public.</li>"
            "<li>Bring back a link and a few lines on what you learned; your trainer gives "
            "feedback.</li></ol>"
        ),
    },
    {
        "type": "callout",
        "value": {
            "title": "On a bad day",
            "text": (
                "<p>When trains stand still, travellers look at their phones first. Spoke "
                "keeps track of who in each team can post a calm, correct update, so "
                "nobody has to wait for the one person at head office.</p>"
            ),
        },
    },
]

PAGES = [
    {
        "slug": "about",
        "title": "About Spoke",
        "intro": "Why Kestrel Rail teaches social media in small groups, with real practice.",
        "body": [
            {"type": "heading", "value": "From help desk to hub"},
            {
                "type": "paragraph",
                "value": (
                    "<p>For years one person in communications answered every question about "
                    "social media. That does not scale. The communications hub now sets the "
                    "strategy, the policy and the training, and each team (support, "
                    "operations, sales, retail, marketing) runs its own presence.</p>"
                    "<p>Spoke is how we get there: it teaches the basics to everyone who "
                    "needs them, starting with the managers who decide, and it shows each "
                    "team who is ready to speak for it.</p>"
                ),
            },
        ],
    },
    {
        "slug": "help",
        "title": "Help",
        "intro": "Answers to the questions people ask in their first week.",
        "body": [
            {"type": "heading", "value": "I cannot log in"},
            {
                "type": "paragraph",
                "value": (
                    "<p>Use your work e-mail address. If HR added you, choose “Forgot "
                    "password?” on the log-in page to set your first password.</p>"
                ),
            },
            {"type": "heading", "value": "Which time zone are sessions in?"},
            {
                "type": "paragraph",
                "value": (
                    "<p>Yours. Set it on your profile page and every time you see is "
                    "converted for you.</p>"
                ),
            },
        ],
    },
]


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
        # Wagtail adds block ids to the list it is given: hand it a copy of our constants.
        setattr(page, name, copy.deepcopy(values[name]))
    page.save_revision().publish()
    return True


@transaction.atomic
def demo_cms_seed() -> dict[str, int]:
    """Fill the home page, add the standard pages and settings, sync the platforms."""
    written = {"pages": 0, "platforms": 0, "settings": 0}
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run 'manage.py migrate' first.")
    written["pages"] += _publish_if_changed(
        home,
        {
            "headline": "Learn to speak for Kestrel Rail online",
            "intro": HOME_INTRO,
            "body": HOME_BODY,
        },
    )
    for data in PAGES:
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
    for data in PLATFORMS:
        _, changed = upsert(
            Platform,
            lookup={"slug": data["slug"]},
            values={
                **{k: v for k, v in data.items() if k != "slug"},
                "post_patterns": "\n".join(data["post_patterns"]),
                "profile_patterns": "\n".join(data["profile_patterns"]),
            },
        )
        written["platforms"] += changed
    site = Site.objects.get(is_default_site=True)
    _, changed = upsert(
        SiteSettings,
        lookup={"site": site},
        values={"company_name": "Kestrel Rail", "help_email": "spoke-help@spoke.example"},
    )
    written["settings"] += changed
    return written
