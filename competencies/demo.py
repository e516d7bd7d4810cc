"""Demo competency framework for Kestrel Rail: ten things people can do with social media.

``seed_demo`` calls :func:`demo_competencies_seed`; running it again changes nothing.
"""

from django.db import transaction

from core.demo import upsert

from .models import Competency

# slug, name, area, description, core, crisis readiness. The order here is the sort order.
COMPETENCIES = [
    ("listening-and-monitoring", "Listening and monitoring", "Listening",
     "Finds and follows what travellers, staff and the press say about Kestrel Rail, its "
     "lines and stations, and notices early when the tone changes.",
     True, True),
    ("profile-and-personal-brand", "Profile and personal brand", "Presence",
     "Keeps a clear, honest profile that says who they are and how they relate to Kestrel "
     "Rail, so people know when they speak for themselves and when for the company.",
     True, False),
    ("publishing", "Publishing", "Publishing",
     "Plans and writes posts that are useful, accurate and accessible, and knows when a post "
     "needs a second pair of eyes before it goes out.",
     False, False),
    ("engagement-and-community", "Engagement and community", "Engagement",
     "Replies to questions and complaints in a calm, human voice, moves personal matters to a "
     "private channel and knows when to hand over to a colleague.",
     True, True),
    ("policy-and-compliance", "Policy and compliance", "Policy",
     "Knows the social media policy in plain words and applies it: what may be shared, what "
     "needs approval and what never goes online.",
     True, False),
    ("privacy-and-safety", "Privacy and online safety", "Policy",
     "Protects the privacy of customers and colleagues and their own safety: no personal "
     "details, no photos without consent, no clues to shifts or restricted areas.",
     True, False),
    ("crisis-communication", "Crisis communication", "Plan B",
     "On a bad day, posts a first holding statement within minutes, keeps updates coming at "
     "the times promised and stays with the facts.",
     False, True),
    ("measurement-and-kpis", "Measurement and KPIs", "Measurement",
     "Chooses a few numbers that show whether social media helps the team, such as response "
     "times, questions resolved and people trained, and reads them honestly.",
     False, False),
    ("strategy-and-governance", "Strategy and governance", "Strategy",
     "Knows how the hub and the spokes share the work, who owns which account, and who holds "
     "the access when the usual person is away.",
     False, False),
    ("advocacy-and-coaching", "Advocacy and coaching", "Advocacy",
     "Encourages colleagues to take part, helps them with their first posts and replies, and "
     "gives feedback that makes them more confident.",
     False, False),
]  # fmt: skip


@transaction.atomic
def demo_competencies_seed() -> dict[str, int]:
    """Create or update the demo framework. Returns the number of competencies written."""
    written = 0
    for position, (slug, name, area, description, core, crisis) in enumerate(COMPETENCIES):
        _, changed = upsert(
            Competency,
            lookup={"slug": slug},
            values={
                "name": name,
                "area": area,
                "description": description,
                "is_core": core,
                "is_crisis_readiness": crisis,
                "sort_order": (position + 1) * 10,
            },
        )
        written += changed
    return {"competencies": written}
