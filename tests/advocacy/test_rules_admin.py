"""The roster's rules in the Wagtail admin: leads and site admins change the two tiers (never
add or delete one), every contradiction is refused on its field with what was typed kept,
saving re-checks the roster, and nobody else gets in."""

from http import HTTPStatus
from unittest import mock

import pytest
from django.urls import NoReverseMatch, reverse

from advocacy.models import RosterRule, RosterTier, Tier
from competencies.levels import Level
from tests.factories import roster_framework

pytestmark = pytest.mark.django_db

INDEX = "/admin/snippets/advocacy/rostertier/"
DESCRIPTION = "People who speak for us & answer questions in their field"
Scope = RosterRule.Scope


@pytest.fixture
def framework():
    return roster_framework()


@pytest.fixture
def advocate():
    return RosterTier.objects.get(tier=Tier.ADVOCATE)


def edit_url(tier: RosterTier) -> str:
    return reverse("wagtailsnippets_advocacy_rostertier:edit", args=[tier.pk])


def rule_rows(rows, *, initial=0):
    data = {
        "rules-TOTAL_FORMS": str(len(rows)),
        "rules-INITIAL_FORMS": str(initial),
        "rules-MIN_NUM_FORMS": "1",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"rules-{index}-ORDER": str(index + 1), f"rules-{index}-DELETE": ""})
        for name, value in row.items():
            data[f"rules-{index}-{name}"] = value
    return data


def tier_form(tier: RosterTier, rules, *, initial=None, **overrides):
    """The edit form as a browser posts it, replacing the tier's rules with ``rules`` unless
    ``initial`` says how many of them are existing rows."""
    fields = {
        "description": DESCRIPTION,
        "practice_within_days": "",
        "needs_policy": "on",
        "needs_approval": None,
    }
    fields.update(overrides)
    data = {name: value for name, value in fields.items() if value is not None}
    existing = list(tier.rules.all())
    if initial is None:
        # Delete every existing rule and add the new ones after them.
        rows = [
            {"id": rule.pk, "scope": rule.scope, "competency": rule.competency_id or "",
             "min_level": str(rule.min_level), "DELETE": "on"}
            for rule in existing
        ]  # fmt: skip
        rows += rules
        data.update(rule_rows(rows, initial=len(existing)))
        for index in range(len(existing)):
            data[f"rules-{index}-DELETE"] = "on"
    else:
        data.update(rule_rows(rules, initial=initial))
    return data


def every_core(level=Level.PRACTISING):
    return {"scope": Scope.EVERY_CORE, "competency": "", "min_level": str(level)}


def one(competency, level=Level.PRACTISING):
    return {"scope": Scope.COMPETENCY, "competency": str(competency.pk), "min_level": str(level)}


def test_admin_urls_match_the_viewset(advocate):
    """The listing and the edit form exist; there is no copy view."""
    assert reverse("wagtailsnippets_advocacy_rostertier:list") == INDEX
    assert edit_url(advocate) == f"{INDEX}edit/{advocate.pk}/"
    with pytest.raises(NoReverseMatch):
        reverse("wagtailsnippets_advocacy_rostertier:copy", args=[advocate.pk])


# --- Who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "site_admin"])
def test_leads_and_site_admins_see_the_menu_and_both_tiers(client, request, role, framework):
    """The admin menu offers "Roster rules"; the listing shows both tiers and their rules,
    with no way to add a tier."""
    client.force_login(request.getfixturevalue(role))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"label": "Roster rules"' in home
    response = client.get(INDEX)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Advocate" in content
    assert "Ambassador" in content
    assert "Practising in every core competency" in content
    assert "Coach in at least one competency" in content
    assert f'href="{INDEX}add/"' not in content


@pytest.mark.parametrize("role", ["lead", "site_admin"])
def test_nobody_adds_or_deletes_a_tier(client, request, role, advocate):
    """Adding and deleting are refused to everyone, site admins included."""
    client.force_login(request.getfixturevalue(role))
    add = reverse("wagtailsnippets_advocacy_rostertier:add")
    delete = reverse("wagtailsnippets_advocacy_rostertier:delete", args=[advocate.pk])
    for url in (add, delete):
        assert client.get(url).status_code == HTTPStatus.FOUND
    response = client.post(delete)
    assert response.status_code == HTTPStatus.FOUND
    response = client.post(add, {"tier": "advocate", "description": "Again"})
    assert response.status_code == HTTPStatus.FOUND
    assert RosterTier.objects.count() == 2
    edit = client.get(edit_url(advocate)).content.decode()
    assert delete not in edit


@pytest.mark.parametrize("role", ["trainer", "hr"])
def test_other_admin_users_have_no_menu_and_are_turned_back(client, request, role, advocate):
    """Trainers and HR use the admin, but not for the roster's rules."""
    client.force_login(request.getfixturevalue(role))
    assert "Roster rules" not in client.get(reverse("wagtailadmin_home")).content.decode()
    for url in (INDEX, edit_url(advocate)):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == "/admin/"
    response = client.post(edit_url(advocate), tier_form(advocate, [every_core(Level.COACH)]))
    assert response.status_code == HTTPStatus.FOUND
    assert advocate.rules.get().min_level == Level.PRACTISING


@pytest.mark.parametrize("role", ["learner", "manager"])
def test_people_without_the_admin_are_sent_to_log_in(client, request, role, advocate):
    client.force_login(request.getfixturevalue(role))
    for url in (INDEX, edit_url(advocate)):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_anonymous_visitors_are_sent_to_log_in(client, advocate):
    response = client.get(INDEX)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_listing_queries_do_not_grow_with_rules(
    client, lead, framework, django_assert_max_num_queries
):
    """The listing reads the rules of both tiers, and their competencies, at once."""
    ambassador = RosterTier.objects.get(tier=Tier.AMBASSADOR)
    competencies = list(framework.values())

    def add_rule(competency, position):
        RosterRule.objects.create(
            roster_tier=ambassador, scope=Scope.COMPETENCY, competency=competency,
            min_level=Level.AWARE, sort_order=10 + position,
        )  # fmt: skip

    add_rule(competencies[0], 0)
    client.force_login(lead)
    client.get(INDEX)
    with django_assert_max_num_queries(25) as small:
        client.get(INDEX)
    small_count = len(small.captured_queries)  # (the next request resets the query log)
    for position, competency in enumerate(competencies[1:], start=1):
        add_rule(competency, position)
    client.get(INDEX)  # new rules: the roster's requirements are read again, then cached
    with django_assert_max_num_queries(small_count):
        content = client.get(INDEX).content.decode()
    assert "Aware in this competency: Measurement" in content


# --- Changing the rules -------------------------------------------------------------------


def test_a_lead_changes_the_rules_and_the_roster_is_rechecked(
    client, lead, framework, advocate, django_capture_on_commit_callbacks
):
    """Valid rules are saved in order with the tier's own requirements; once committed, the
    whole roster is re-checked."""
    client.force_login(lead)
    assert client.get(edit_url(advocate)).status_code == HTTPStatus.OK
    data = tier_form(
        advocate,
        [every_core(Level.AWARE), one(framework["crisis"], Level.PROFICIENT)],
        practice_within_days="30",
        needs_approval="on",
    )
    with (
        mock.patch("advocacy.tasks.roster_sync_all.delay") as sync_all,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(edit_url(advocate), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    advocate.refresh_from_db()
    assert [(r.scope, r.competency_id, r.min_level) for r in advocate.rules.all()] == [
        (Scope.EVERY_CORE, None, Level.AWARE),
        (Scope.COMPETENCY, framework["crisis"].pk, Level.PROFICIENT),
    ]
    assert (advocate.practice_within_days, advocate.needs_approval, advocate.needs_policy) == (
        30,
        True,
        True,
    )
    assert advocate.description == DESCRIPTION
    sync_all.assert_called_once_with()


def test_a_weaker_ambassador_tier_is_allowed(client, lead, framework):
    """The tiers are independent: ambassadors may ask less than advocates."""
    ambassador = RosterTier.objects.get(tier=Tier.AMBASSADOR)
    client.force_login(lead)
    response = client.post(edit_url(ambassador), tier_form(ambassador, [every_core(Level.AWARE)]))
    assert response.status_code == HTTPStatus.FOUND
    assert ambassador.rules.get().min_level == Level.AWARE


BAD_INPUT = {
    "no rule at all": (
        {"rules": []},
        "Add at least one rule: a tier without competency rules would take everyone.",
    ),
    "level above coach": (
        {"rules": [{**every_core(), "min_level": "7"}]},
        "Choose a level from Aware to Coach.",
    ),
    "level not yet": (
        {"rules": [{**every_core(), "min_level": "0"}]},
        "Choose a level from Aware to Coach.",
    ),
    "competency rule without its competency": (
        {"rules": [{"scope": Scope.COMPETENCY, "competency": "", "min_level": "2"}]},
        "Choose the competency.",
    ),
    "competency on an every-core rule": (
        {"rules": [{**every_core(), "competency": "crisis"}]},
        "Leave empty: this rule is about several competencies.",
    ),
    "competency on an any rule": (
        {"rules": [{"scope": Scope.ANY, "competency": "crisis", "min_level": "4"}]},
        "Leave empty: this rule is about several competencies.",
    ),
    "same competency twice": (
        {"rules": ["crisis-2", "crisis-3"]},
        "This tier already has a rule for Crisis communication: keep one.",
    ),
    "every core twice": (
        {"rules": [every_core(Level.AWARE), every_core(Level.COACH)]},
        "This tier already has a rule “in every core competency”: keep one.",
    ),
    "no practice days": (
        {"practice_within_days": "0"},
        "Choose from 1 to 730 days, or leave it empty.",
    ),
    "too many practice days": (
        {"practice_within_days": "731"},
        "Choose from 1 to 730 days, or leave it empty.",
    ),
    "negative practice days": (
        {"practice_within_days": "-5"},
        "Choose from 1 to 730 days, or leave it empty.",
    ),
    "practice days in words": ({"practice_within_days": "ninety"}, "Enter a whole number."),
    "unknown scope": (
        {"rules": [{**every_core(), "scope": "everyone"}]},
        "Select a valid choice. everyone is not one of the available choices.",
    ),
}


def _resolve(rows, framework):
    resolved = []
    for row in rows:
        if isinstance(row, str):  # "crisis-3": a rule about that competency at that level
            key, level = row.split("-")
            resolved.append(one(framework[key], int(level)))
        else:
            row = dict(row)
            if row.get("competency") in framework:
                row["competency"] = str(framework[row["competency"]].pk)
            resolved.append(row)
    return resolved


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_contradictions_are_refused_on_their_field_and_input_kept(
    client, lead, framework, advocate, case
):
    """Each mistake gets its message on the form; nothing is saved; the typed description,
    days and rules come back for the next try."""
    overrides, message = BAD_INPUT[case]
    overrides = dict(overrides)
    rules = _resolve(overrides.pop("rules", [every_core()]), framework)
    days = overrides.pop("practice_within_days", "45")
    client.force_login(lead)
    response = client.post(
        edit_url(advocate),
        tier_form(advocate, rules, practice_within_days=days, needs_approval="on"),
    )
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert message in content
    assert "People who speak for us &amp; answer questions in their field" in content
    assert f'value="{days}"' in content
    advocate.refresh_from_db()
    assert advocate.description != DESCRIPTION
    assert (advocate.practice_within_days, advocate.needs_approval) == (None, False)
    assert [(r.scope, r.min_level) for r in advocate.rules.all()] == [
        (Scope.EVERY_CORE, Level.PRACTISING)
    ]


def test_the_message_sits_on_the_field_concerned(client, lead, framework, advocate):
    """The duplicate competency is reported on the second rule's competency field."""
    from advocacy.admin_rules import RosterRuleFormSet  # noqa: F401  (the formset in use)

    client.force_login(lead)
    rules = [one(framework["crisis"], 2), one(framework["crisis"], 3)]
    response = client.post(edit_url(advocate), tier_form(advocate, rules))
    formset = response.context["form"].formsets["rules"]
    deleted = len(advocate.rules.all())
    second = formset.forms[deleted + 1]
    assert second.errors == {
        "competency": ["This tier already has a rule for Crisis communication: keep one."]
    }
    assert not formset.forms[deleted].errors


def test_removing_the_last_rule_is_refused(client, lead, advocate):
    """Deleting the only rule, adding none: refused, the rule stays."""
    client.force_login(lead)
    response = client.post(edit_url(advocate), tier_form(advocate, []))
    assert response.status_code == HTTPStatus.OK
    assert "Add at least one rule" in response.content.decode()
    assert advocate.rules.count() == 1
