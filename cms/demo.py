"""Demo content for the site shell: the home page, two standard pages, the social media
policy (published twice, so that it is at version 2 and asks for re-acknowledgement), site
settings and the platforms. ``seed_demo`` calls :func:`demo_cms_seed`; running it again
changes nothing.
"""

import copy
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from core.demo import upsert

from .models import HomePage, Platform, PolicyPage, PolicyQuestion, SiteSettings, StandardPage
from .platforms import PLATFORMS, SHARE_URLS

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


POLICY = {
    "slug": "social-media-policy",
    "title": "Social media policy",
    "summary": (
        "You are welcome to say online that you work at Kestrel Rail and to talk about your "
        "work. Speak for yourself, never share what a traveller told us in confidence, leave "
        "incidents to the crisis team, and put your mistakes right in the open."
    ),
    "body": [
        {"type": "heading", "value": "Why we have a policy"},
        {
            "type": "paragraph",
            "value": (
                "<p>Travellers trust what our people say, often more than what the company "
                "account says. That is a good thing, and we want more of it. This page sets "
                "out the few rules that keep it safe for you, for our travellers and for "
                "the company. It applies on every platform, on your own accounts as well as "
                "on the ones you run for your team.</p>"
            ),
        },
        {"type": "heading", "value": "Say who you are"},
        {
            "type": "paragraph",
            "value": (
                "<p>When you post about rail travel or about Kestrel Rail, say that you work "
                "here. A line in your profile is enough, for example “I work at Kestrel Rail; "
                "my posts are my own.” Unless the hub has asked you to speak for the company, "
                "you speak for yourself: share what you know first-hand, and do not announce "
                "news, timetables or prices before the company does.</p>"
            ),
        },
        {"type": "heading", "value": "What you may and may not say"},
        {
            "type": "paragraph",
            "value": (
                "<ul><li>You may share our public posts, talk about your job and what you "
                "are proud of, and help a traveller find the right answer.</li>"
                "<li>You may disagree with us, politely, the way you would in a meeting.</li>"
                "<li>You may not share anything marked internal, talk about colleagues "
                "without their consent, or make promises about refunds and compensation: "
                "point people to the official channels instead.</li>"
                "<li>You may not argue with anyone who is angry. Acknowledge, help if you "
                "can, and hand over to customer support.</li></ul>"
            ),
        },
        {"type": "heading", "value": "Travellers' data stays private"},
        {
            "type": "paragraph",
            "value": (
                "<p>Never post a booking reference, a name, a photo of a ticket or anything "
                "else that identifies a traveller, even when they posted it first. If you "
                "need details to help someone, ask them to send a private message to "
                "customer support, and do not take the conversation to your own inbox.</p>"
            ),
        },
        {"type": "heading", "value": "When things go wrong"},
        {
            "type": "paragraph",
            "value": (
                "<p>During an incident (a breakdown, an accident, a strike) the crisis team "
                "speaks for Kestrel Rail. Refer every question about it to the crisis team "
                "and share their updates rather than writing your own. Do not guess at "
                "causes or at how long it will take.</p>"
            ),
        },
        {"type": "heading", "value": "Putting mistakes right"},
        {
            "type": "paragraph",
            "value": (
                "<p>Everyone gets something wrong now and then. When you do, correct it "
                "openly: edit the post or reply to it, say what was wrong and what is right. "
                "Do not delete it quietly unless it exposes someone's private data; then "
                "delete it and tell the hub.</p>"
            ),
        },
        {
            "type": "callout",
            "value": {
                "title": "Not sure?",
                "text": (
                    "<p>Ask the communications hub before you post. A question never "
                    "gets anyone into trouble.</p>"
                ),
            },
        },
    ],
    "questions": [
        {
            "prompt": "A traveller tags you in a complaint and includes their booking "
            "reference. What do you do?",
            "choices": (
                "Reply with their booking details so they know you found it\n"
                "Ask them to send the details to customer support in a private message\n"
                "Ask them to message you on your own account"
            ),
            "correct_choice": 2,
            "explanation": "Travellers' details never go in public, nor to your own inbox: "
            "customer support helps them in private.",
        },
        {
            "prompt": "Trains are stuck outside the city and a friend asks you online what "
            "happened. What do you do?",
            "choices": (
                "Explain what you heard from colleagues\n"
                "Say it will take about an hour\n"
                "Share the crisis team's latest update and leave the rest to them"
            ),
            "correct_choice": 3,
            "explanation": "During an incident the crisis team speaks for us: share their "
            "updates and do not guess.",
        },
        {
            "prompt": "You posted a wrong platform number an hour ago. What is right?",
            "choices": (
                "Delete the post and say nothing\n"
                "Correct it openly and say what changed\n"
                "Leave it: people will find out at the station"
            ),
            "correct_choice": 2,
            "explanation": "We put mistakes right in the open, so people who saw the first "
            "post see the correction too.",
        },
    ],
}

# Version 2: what changed, and the paragraph it changed.
POLICY_CHANGE_NOTE = (
    "During an incident you now wait for the crisis team's first update before posting "
    "anything about it, even to say you know nothing yet."
)
POLICY_V2_INCIDENTS = (
    "<p>During an incident (a breakdown, an accident, a strike) the crisis team speaks for "
    "Kestrel Rail. Post nothing about it until the crisis team has published its first "
    "update, not even that you know nothing yet; then share their updates rather than "
    "writing your own. Refer every question to the crisis team and do not guess at causes "
    "or at how long it will take.</p>"
)


def _policy_v2_body() -> list[dict]:
    body = copy.deepcopy(POLICY["body"])
    index = next(
        number + 1
        for number, block in enumerate(body)
        if block["type"] == "heading" and block["value"] == "When things go wrong"
    )
    body[index] = {"type": "paragraph", "value": POLICY_V2_INCIDENTS}
    return body


def _policy_seed(home: HomePage) -> int:
    """Publish the policy (version 1), then its material change (version 2). Once the page
    has two versions, leave it alone: editors may have moved on."""
    written = 0
    page = PolicyPage.objects.child_of(home).filter(slug=POLICY["slug"]).first()
    if page is None:
        page = PolicyPage(
            title=POLICY["title"],
            slug=POLICY["slug"],
            summary=POLICY["summary"],
            body=copy.deepcopy(POLICY["body"]),
        )
        page.questions = [
            PolicyQuestion(sort_order=number, **question)
            for number, question in enumerate(POLICY["questions"])
        ]
        home.add_child(instance=page)
        page.save_revision().publish()  # the first publication starts version 1
        # Version 1 has been in force for a while: the demo shows people who acknowledged it.
        page.versions.filter(number=1).update(published_at=timezone.now() - timedelta(days=120))
        written += 1
    if page.versions.count() < 2:
        draft = page.get_latest_revision_as_object()
        draft.body = _policy_v2_body()
        draft.material_change = True
        draft.change_note = POLICY_CHANGE_NOTE
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
        # Wagtail adds block ids to the list it is given: hand it a copy of our constants.
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
