"""The two tiers every Spoke starts with, and who may see and change them.

Advocates: practising in every core competency and the current policy acknowledged; they
join as soon as they opt in. Ambassadors coach others: proficient in every core competency,
coach in at least one, accepted practice in the last 90 days and the policy acknowledged;
a lead approves who joins. Leads change these rules in the Wagtail admin ("Roster rules"),
so advocacy leads get the admin itself, the rules, and a view of the memberships; HR get a
view of the memberships for their reports.
"""

from django.db import migrations

from core.migration_helpers import group_permissions_grant

PRACTISING, PROFICIENT, COACH = 2, 3, 4

TIERS = [
    {
        "tier": "advocate",
        "description": (
            "Speak for the company on the platforms you already use: share news, answer "
            "questions in your field, and point people to the right colleague."
        ),
        "needs_policy": True,
        "practice_within_days": None,
        "needs_approval": False,
        "rules": [("every_core", PRACTISING)],
    },
    {
        "tier": "ambassador",
        "description": (
            "Coach colleagues who start speaking for the company, and be someone the hub "
            "can count on when things go wrong."
        ),
        "needs_policy": True,
        "practice_within_days": 90,
        "needs_approval": True,
        "rules": [("every_core", PROFICIENT), ("any", COACH)],
    },
]

LEAD_PERMISSIONS = {
    "advocacy": (
        "add_rostertier",
        "change_rostertier",
        "view_rostertier",
        "add_rosterrule",
        "change_rosterrule",
        "view_rosterrule",
        "view_rostermembership",
    ),
    "wagtailadmin": ("access_admin",),
}
HR_PERMISSIONS = {"advocacy": ("view_rostermembership",)}


def create_tiers(apps, schema_editor):
    RosterTier = apps.get_model("advocacy", "RosterTier")
    RosterRule = apps.get_model("advocacy", "RosterRule")
    for spec in TIERS:
        values = {key: value for key, value in spec.items() if key not in {"tier", "rules"}}
        tier, created = RosterTier.objects.get_or_create(tier=spec["tier"], defaults=values)
        if created or not RosterRule.objects.filter(roster_tier=tier).exists():
            for position, (scope, level) in enumerate(spec["rules"]):
                RosterRule.objects.create(
                    roster_tier=tier, scope=scope, min_level=level, sort_order=position
                )


def remove_tiers(apps, schema_editor):
    apps.get_model("advocacy", "RosterTier").objects.filter(
        tier__in=[spec["tier"] for spec in TIERS]
    ).delete()


def grant(apps, schema_editor):
    group_permissions_grant(apps, groups=["Advocacy lead"], permissions=LEAD_PERMISSIONS)
    group_permissions_grant(apps, groups=["HR"], permissions=HR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0001_initial"),
        ("people", "0002_role_groups"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
    ]

    operations = [
        migrations.RunPython(create_tiers, remove_tiers),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
