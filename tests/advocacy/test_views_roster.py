"""The roster for advocacy leads and HR: the list, its filters and exports, people eligible,
the approval queue, a membership's page, and a lead's decisions."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advocacy.models import PlatformAccount, RosterEvent, RosterMembership, RosterTier
from assessments.models import Submission
from cms.models import Platform
from competencies.levels import Level
from competencies.models import CompetencyStanding
from people.models import User
from tests.factories import (
    BusinessUnitFactory,
    CompetencyFactory,
    SubmissionFactory,
    UserFactory,
)

ROSTER = reverse("advocacy:roster")
ELIGIBLE = reverse("advocacy:eligible")
APPROVALS = reverse("advocacy:approvals")
Status = RosterMembership.Status
READERS = {"hr", "lead", "site_admin"}
DECIDERS = {"lead", "site_admin"}
ROLES = ["learner", "manager", "trainer", "hr", "lead", "site_admin"]
HEADER = ["Name", "E-mail", "Unit", "Tier", "Status", "Since", "Platforms"]


def _member(user, tier="advocate", status=Status.ACTIVE, *, accounts=(), **fields):
    membership = RosterMembership.objects.create(
        user=user,
        tier=tier,
        status=status,
        status_changed_at=fields.pop("status_changed_at", timezone.now()),
        **fields,
    )
    if accounts:
        membership.platforms.set(accounts)
    return membership


def _account(user, slug="linkedin", handle="@someone"):
    return PlatformAccount.objects.create(
        user=user, platform=Platform.objects.get(slug=slug), handle=handle
    )


def _coach(user):
    """Meet the ambassador tier's rules (with no recent-practice rule and no policy): coach
    in the one core competency."""
    competency = CompetencyFactory(name="Coaching", slug="coaching", is_core=True)
    CompetencyStanding.objects.update_or_create(
        user=user, competency=competency, defaults={"level": Level.COACH}
    )


@pytest.fixture
def easy_ambassadors(db):
    RosterTier.objects.filter(tier="ambassador").update(practice_within_days=None)


@pytest.fixture
def as_lead(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def as_hr(client, hr):
    client.force_login(hr)
    return client


@pytest.fixture
def units(db):
    """Operations with a sub-unit North, and Marketing beside it."""
    operations = BusinessUnitFactory(name="Operations", slug="operations")
    north = BusinessUnitFactory(name="Operations North", slug="operations-north", parent=operations)
    marketing = BusinessUnitFactory(name="Marketing", slug="marketing")
    return {"operations": operations, "north": north, "marketing": marketing}


@pytest.fixture
def pending(db, easy_ambassadors):
    """Someone who meets the ambassador rules and asked to join."""
    person = UserFactory(first_name="Pia", last_name="Pending", email="pia@spoke.example")
    _coach(person)
    account = _account(person, "x", "@pia")
    return _member(
        person, "ambassador", Status.PENDING, accounts=[account], opted_in_at=timezone.now()
    )


def _login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _xlsx(response) -> list[list]:
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _names(response) -> list[str]:
    return [membership.user.display_name for membership in response.context["memberships"]]


# --- Who gets in -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("page", ["roster", "eligible", "approvals", "member", "reject", "remove"])
def test_pages_by_role(client, request, pending, role, page):
    """Leads and site admins see everything; HR read; everyone else gets a 403."""
    _login(client, request, role)
    if page in {"member", "reject", "remove"}:
        url = reverse(f"advocacy:{page}", args=[pending.pk])
    else:
        url = reverse(f"advocacy:{page}")
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
        return
    allowed = DECIDERS if page in {"reject", "remove"} else READERS
    expected = HTTPStatus.OK if role in allowed else HTTPStatus.FORBIDDEN
    assert response.status_code == expected, f"{role} on {page}"


@pytest.mark.parametrize("role", ["anonymous", "learner", "manager", "trainer", "hr"])
@pytest.mark.parametrize("action", ["approve", "reject", "remove"])
def test_only_leads_decide(client, request, pending, role, action):
    """A POST from anyone but a lead or site admin changes nothing (HR get a 403 too)."""
    _login(client, request, role)
    url = reverse(f"advocacy:{action}", args=[pending.pk])
    response = client.post(url, {"reason": "Because."})
    expected = HTTPStatus.FOUND if role == "anonymous" else HTTPStatus.FORBIDDEN
    assert response.status_code == expected
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert not RosterEvent.objects.exists()


@pytest.mark.parametrize(
    "url", ["/roster/member/999999/", "/roster/member/abc/", "/roster/member/1/approve/x/"]
)
def test_unknown_or_odd_member_ids_are_not_found(as_lead, url):
    """A membership that is not there, or an id that is not a number, is a 404."""
    assert as_lead.get(url).status_code == HTTPStatus.NOT_FOUND


def test_unknown_member_is_not_found_for_decisions(as_lead, db):
    """Deciding about a membership that does not exist is a 404."""
    for action in ("approve", "reject", "remove"):
        url = reverse(f"advocacy:{action}", args=[999999])
        assert as_lead.post(url, {"reason": "x"}).status_code == HTTPStatus.NOT_FOUND


def test_hr_sees_no_buttons(as_hr, pending):
    """HR read the queue and the member's page without a way to decide."""
    for url in (APPROVALS, reverse("advocacy:member", args=[pending.pk])):
        content = as_hr.get(url).content.decode()
        assert "Pia Pending" in content
        assert reverse("advocacy:approve", args=[pending.pk]) not in content
        assert reverse("advocacy:reject", args=[pending.pk]) not in content
        assert reverse("advocacy:remove", args=[pending.pk]) not in content


def test_decisions_need_post_and_csrf(lead, pending):
    """Approving by GET is refused, and a forged POST without a token too."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    url = reverse("advocacy:approve", args=[pending.pk])
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(url).status_code == HTTPStatus.FORBIDDEN
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


# --- The list and its filters ----------------------------------------------------------------


@pytest.fixture
def roster(db, units):
    """Members in several units, tiers, statuses and platforms."""
    people = {
        "ana": UserFactory(first_name="Ana", last_name="Alvarez", unit=units["operations"]),
        "ben": UserFactory(first_name="Ben", last_name="Brown", unit=units["north"]),
        "cai": UserFactory(first_name="Cai", last_name="Chen", unit=units["marketing"]),
        "dee": UserFactory(
            first_name="Dee", last_name="Diaz", unit=units["marketing"], email="dee@x.example"
        ),
        "eve": UserFactory(first_name="Eve", last_name="Evans", unit=None),
    }
    _member(people["ana"], accounts=[_account(people["ana"], "linkedin", "@ana")])
    _member(people["ben"], status=Status.PAUSED, accounts=[_account(people["ben"], "x", "@ben")])
    _member(people["cai"], "ambassador")
    _member(people["dee"], status=Status.LAPSED)
    _member(people["eve"], status=Status.ELIGIBLE)
    return people


def test_the_roster_shows_active_and_paused_members_by_default(as_lead, roster):
    """Without filters: people on the roster, not the lapsed or the merely eligible."""
    response = as_lead.get(ROSTER)
    assert sorted(_names(response)) == ["Ana Alvarez", "Ben Brown", "Cai Chen"]
    content = response.content.decode()
    assert "@ana" not in content  # platform names only; handles are on the member's page
    assert "LinkedIn" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tier": "ambassador"}, ["Cai Chen"]),
        ({"status": "lapsed"}, ["Dee Diaz"]),
        ({"status": "all"}, ["Ana Alvarez", "Ben Brown", "Cai Chen", "Dee Diaz", "Eve Evans"]),
        ({"status": "paused"}, ["Ben Brown"]),
        ({"q": "ben"}, ["Ben Brown"]),
        ({"q": "dee@x.example", "status": "all"}, ["Dee Diaz"]),
        ({"q": "ana alvarez"}, ["Ana Alvarez"]),
        ({"q": "nobody-like-this"}, []),
    ],
)
def test_filters(as_lead, roster, query, expected):
    """Tier, status and a search by name or address narrow the list."""
    assert sorted(_names(as_lead.get(ROSTER, query))) == expected


def test_a_unit_includes_its_sub_units(as_lead, roster, units):
    """Operations shows Operations North's people too; North shows only its own."""
    assert sorted(_names(as_lead.get(ROSTER, {"unit": units["operations"].pk}))) == [
        "Ana Alvarez",
        "Ben Brown",
    ]
    assert _names(as_lead.get(ROSTER, {"unit": units["north"].pk})) == ["Ben Brown"]


def test_the_platform_filter(as_lead, roster):
    """Only the people who speak on X."""
    x_platform = Platform.objects.get(slug="x")
    assert _names(as_lead.get(ROSTER, {"platform": x_platform.pk})) == ["Ben Brown"]


@pytest.mark.parametrize(
    "query",
    [
        {"tier": "bogus"},
        {"status": "nonsense"},
        {"unit": "abc"},
        {"unit": "999999"},
        {"unit": "1 OR 1=1"},
        {"platform": "zzz"},
        {"platform": "-5"},
        {"p": "abc"},
        {"p": "99999"},
        {"format": "pdf"},
        {"tier": ["advocate", "ambassador"]},
    ],
)
def test_unknown_filter_values_are_ignored(as_lead, roster, query):
    """A value that is no choice is dropped without an error: the default list shows."""
    response = as_lead.get(ROSTER, query)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/html")
    assert len(_names(response)) in {1, 3}  # the default, or the last tier value given
    assert "errorlist" not in response.content.decode()


def test_a_huge_search_is_cut_short_not_refused(as_lead, roster):
    """Ten thousand characters of search: a normal page, the box holding the first hundred."""
    response = as_lead.get(ROSTER, {"q": "Ana " + "x" * 10_000})
    assert response.status_code == HTTPStatus.OK
    assert _names(response) == []
    assert len(response.context["form"].initial["q"]) == 100


def test_markup_in_a_search_is_shown_as_text(as_lead, roster):
    """What was searched comes back escaped."""
    content = as_lead.get(ROSTER, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_pages_of_25_keep_the_filters(as_lead, db):
    """Thirty members: 25 on the first page, 5 on the second, filters in the links."""
    for index in range(30):
        _member(UserFactory(first_name="Member", last_name=f"{index:02d}"))
    first = as_lead.get(ROSTER, {"tier": "advocate"})
    assert len(_names(first)) == 25
    assert "tier=advocate&amp;p=2" in first.content.decode()
    second = as_lead.get(ROSTER, {"tier": "advocate", "p": 2})
    assert len(_names(second)) == 5


def test_empty_states(as_lead, roster):
    """No members at all, and none matching: each says so."""
    assert "Nobody on the roster matches these filters" in (
        as_lead.get(ROSTER, {"q": "zzz"}).content.decode()
    )
    RosterMembership.objects.all().delete()
    assert "Nobody is on the roster yet" in as_lead.get(ROSTER).content.decode()
    assert "No open invitations" in as_lead.get(ELIGIBLE).content.decode()
    assert "Nobody is waiting" in as_lead.get(APPROVALS).content.decode()


# --- Exports ---------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_list_across_pages(as_hr, units):
    """Every matching member, not only the first page, with the agreed columns."""
    for index in range(30):
        person = UserFactory(first_name="Member", last_name=f"{index:02d}", unit=units["north"])
        _member(person, accounts=[_account(person, "linkedin", f"@m{index}")])
    _member(UserFactory(first_name="Other", last_name="Tier"), "ambassador")
    response = as_hr.get(ROSTER, {"tier": "advocate", "format": "csv"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == HEADER
    assert len(rows) == 31
    first = rows[1]
    assert first[0] == "Member 00"
    assert first[2:5] == ["Operations North", "Advocate", "Active"]
    assert first[5] == timezone.localdate().isoformat()
    assert first[6] == "LinkedIn: @m0"


def test_the_xlsx_has_the_same_values(as_lead, roster):
    """The spreadsheet opens and says what the CSV says."""
    csv_rows = _csv(as_lead.get(ROSTER, {"status": "all", "format": "csv"}))
    response = as_lead.get(ROSTER, {"status": "all", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _xlsx(response)
    assert sheet[0] == HEADER
    assert len(sheet) == len(csv_rows) == 6
    for row, expected in zip(sheet[1:], csv_rows[1:], strict=True):
        as_text = [
            "" if value is None else value.date().isoformat() if hasattr(value, "date") else value
            for value in row
        ]
        assert as_text == expected


def test_exports_neutralise_formulas_and_leave_out_reflections(as_lead, db):
    """A name that starts like a formula is inert; what people wrote in practice is absent."""
    person = UserFactory(first_name='=HYPERLINK("http://evil.example")', last_name="+1")
    _member(person, accounts=[_account(person, "x", "@evil")])
    SubmissionFactory(
        user=person,
        status=Submission.Status.SUBMITTED,
        reflection="<p>My private reflection about the manager.</p>",
    )
    rows = _csv(as_lead.get(ROSTER, {"format": "csv"}))
    assert rows[1][0].startswith("'=HYPERLINK")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    body = str(rows) + str(_xlsx(as_lead.get(ROSTER, {"format": "xlsx"})))
    assert "private reflection" not in body
    sheet = _xlsx(as_lead.get(ROSTER, {"format": "xlsx"}))
    assert sheet[1][0] == '=HYPERLINK("http://evil.example") +1'  # text, not a formula


def test_nobody_else_can_export(client, learner, roster):
    """The export is the roster page: a 403 for people without the role."""
    client.force_login(learner)
    assert client.get(ROSTER, {"format": "csv"}).status_code == HTTPStatus.FORBIDDEN


# --- People eligible -------------------------------------------------------------------------


def test_eligible_people_who_have_not_joined(as_lead, roster, units):
    """Only open invitations, with the unit filter; the status filter is not offered."""
    response = as_lead.get(ELIGIBLE)
    assert _names(response) == ["Eve Evans"]
    assert "status" not in response.context["form"].fields
    assert _names(as_lead.get(ELIGIBLE, {"unit": units["marketing"].pk})) == []
    assert _names(as_lead.get(ELIGIBLE, {"status": "active", "tier": "x"})) == ["Eve Evans"]


# --- Approvals and decisions -----------------------------------------------------------------


def test_the_queue_shows_requests_and_their_rules(as_lead, pending):
    """Each request shows whether the rules hold today."""
    person = UserFactory(first_name="Nia", last_name="Notyet")
    _member(person, "ambassador", Status.PENDING, opted_in_at=timezone.now())
    content = as_lead.get(APPROVALS).content.decode()
    assert "Pia Pending" in content
    assert "All met" in content
    assert "Nia Notyet" in content
    assert "Not met" in content
    assert "coach in at least one competency" in content


def test_a_lead_approves(as_lead, lead, pending):
    """Approving makes the member active, records who and when, and logs the event."""
    response = as_lead.post(
        reverse("advocacy:approve", args=[pending.pk]), {"next": APPROVALS}, follow=True
    )
    assert "Pia Pending is on the roster as ambassador" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.ACTIVE
    assert pending.approved_by == lead
    event = RosterEvent.objects.get(membership=pending)
    assert (event.from_status, event.to_status, event.by) == (Status.PENDING, Status.ACTIVE, lead)


def test_approving_someone_who_no_longer_meets_the_rules_is_refused(as_lead, easy_ambassadors):
    """The service's refusal is shown; the request keeps waiting."""
    membership = _member(UserFactory(first_name="Nia", last_name="Notyet"), "ambassador", "pending")
    response = as_lead.post(reverse("advocacy:approve", args=[membership.pk]), follow=True)
    assert "no longer meets this tier" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Status.PENDING


def test_approve_goes_back_only_to_this_site(as_lead, pending):
    """An outside ``next`` is ignored."""
    response = as_lead.post(
        reverse("advocacy:approve", args=[pending.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == APPROVALS


def test_rejecting_asks_for_a_reason_and_keeps_it(as_lead, lead, pending):
    """GET asks; an empty or too long reason is refused with the text kept; then it is done."""
    url = reverse("advocacy:reject", args=[pending.pk])
    assert "Turn down Pia Pending" in as_lead.get(url).content.decode()
    response = as_lead.post(url, {"reason": "   "})
    assert response.status_code == HTTPStatus.OK
    assert "Say why: the person is told." in response.content.decode()
    long_reason = "x" * 600
    response = as_lead.post(url, {"reason": long_reason})
    assert response.status_code == HTTPStatus.OK
    assert long_reason in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING

    response = as_lead.post(url, {"reason": "Coach one cohort first, then ask again."})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("advocacy:member", args=[pending.pk])
    pending.refresh_from_db()
    assert pending.status == Status.DECLINED
    event = RosterEvent.objects.get(membership=pending)
    assert (event.to_status, event.by, event.reason) == (
        Status.DECLINED,
        lead,
        "Coach one cohort first, then ask again.",
    )
    # Nothing left to decide: the page says so instead of asking again.
    response = as_lead.get(url, follow=True)
    assert "nothing to decide" in response.content.decode()


def test_a_lead_removes_with_a_reason(as_lead, lead, roster):
    """Removing asks, needs a reason, then removes and logs it."""
    membership = RosterMembership.objects.get(user=roster["ana"])
    url = reverse("advocacy:remove", args=[membership.pk])
    assert "Remove Ana Alvarez from the Advocate tier?" in as_lead.get(url).content.decode()
    assert as_lead.post(url, {"reason": ""}).status_code == HTTPStatus.OK
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
    as_lead.post(url, {"reason": "Posted confidential plans."})
    membership.refresh_from_db()
    assert (membership.status, membership.reason) == (Status.REMOVED, "Posted confidential plans.")
    assert RosterEvent.objects.get(membership=membership).by == lead
    page = as_lead.get(reverse("advocacy:member", args=[membership.pk])).content.decode()
    assert "Posted confidential plans." in page
    assert url not in page


def test_a_lead_does_not_decide_about_their_own_membership(as_lead, lead, easy_ambassadors):
    """No buttons on one's own request; approving, rejecting or removing it is refused."""
    _coach(lead)
    own = _member(lead, "ambassador", Status.PENDING, opted_in_at=timezone.now())
    content = as_lead.get(APPROVALS).content.decode()
    assert "Your own request: another lead decides." in content
    assert reverse("advocacy:approve", args=[own.pk]) not in content
    response = as_lead.post(reverse("advocacy:approve", args=[own.pk]), follow=True)
    assert "Another lead decides about your own membership." in response.content.decode()
    for action in ("reject", "remove"):
        response = as_lead.post(reverse(f"advocacy:{action}", args=[own.pk]), {"reason": "Me."})
        assert response.status_code == HTTPStatus.FOUND
    own.refresh_from_db()
    assert own.status == Status.PENDING


def test_the_member_page_shows_the_event_log(as_hr, pending, lead):
    """Every change, latest first, with who made it; the rules show as Spoke."""
    now = timezone.now()
    RosterEvent.objects.create(
        membership=pending, from_status="", to_status="eligible", at=now - timedelta(days=2)
    )
    RosterEvent.objects.create(
        membership=pending,
        from_status="eligible",
        to_status="pending",
        by=pending.user,
        reason="opted in",
        at=now,
    )
    content = as_hr.get(reverse("advocacy:member", args=[pending.pk])).content.decode()
    assert "Spoke (the rules)" in content
    assert "Eligible, not joined → Waiting for approval" in content
    assert "opted in" in content
    assert "X</strong>: @pia" in content
    assert content.index("opted in") < content.index("Spoke (the rules)")


# --- Bounded queries -------------------------------------------------------------------------


@pytest.fixture
def crowd(db, units, easy_ambassadors):
    """200 members in every state, each with two platform accounts and a history."""
    competency = CompetencyFactory(name="Coaching", slug="coaching", is_core=True)
    unit_list = list(units.values())
    users = User.objects.bulk_create(
        User(
            email=f"crowd{index}@spoke.example",
            first_name=f"Crowd{index:03d}",
            last_name="Member",
            unit=unit_list[index % 3],
            password="!",
        )
        for index in range(200)
    )
    CompetencyStanding.objects.bulk_create(
        CompetencyStanding(user=user, competency=competency, level=Level.COACH) for user in users
    )
    linkedin, x_platform = Platform.objects.get(slug="linkedin"), Platform.objects.get(slug="x")
    accounts = PlatformAccount.objects.bulk_create(
        PlatformAccount(user=user, platform=platform, handle=f"@{user.first_name}")
        for user in users
        for platform in (linkedin, x_platform)
    )
    statuses = [Status.ACTIVE, Status.PAUSED, Status.PENDING, Status.ELIGIBLE]
    now = timezone.now()
    memberships = RosterMembership.objects.bulk_create(
        RosterMembership(
            user=user,
            tier="ambassador" if index % 4 == 2 else "advocate",
            status=statuses[index % 4],
            status_changed_at=now,
            opted_in_at=now,
        )
        for index, user in enumerate(users)
    )
    Through = RosterMembership.platforms.through
    Through.objects.bulk_create(
        Through(rostermembership_id=membership.pk, platformaccount_id=account.pk)
        for membership, user in zip(memberships, users, strict=True)
        for account in accounts
        if account.user_id == user.pk
    )
    RosterEvent.objects.bulk_create(
        RosterEvent(membership=memberships[0], to_status="active", at=now, reason=f"e{n}")
        for n in range(60)
    )
    return memberships


@pytest.mark.parametrize(
    ("url", "query", "limit"),
    [
        (ROSTER, {}, 20),
        (ROSTER, {"status": "all", "q": "crowd", "platform": "1"}, 20),
        (ELIGIBLE, {}, 20),
        (APPROVALS, {}, 25),
    ],
)
def test_list_pages_are_bounded(as_lead, crowd, django_assert_max_num_queries, url, query, limit):
    """Each list needs the same few queries with 200 members as with 2."""
    as_lead.get(url, query)
    with django_assert_max_num_queries(limit):
        response = as_lead.get(url, query)
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("<tr>") >= 26


def test_the_member_page_is_bounded(as_lead, crowd, django_assert_max_num_queries):
    """A member with a long history: a page of it, in a fixed number of queries."""
    url = reverse("advocacy:member", args=[crowd[0].pk])
    as_lead.get(url)
    with django_assert_max_num_queries(25):
        response = as_lead.get(url)
    assert response.content.decode().count("<tr>") == 26


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_are_bounded(as_lead, crowd, django_assert_max_num_queries, file_format):
    """The whole roster of 200 goes out in a fixed number of queries (with the content
    stamp and the audit trail's entry for the download of a list of people)."""
    with django_assert_max_num_queries(12):
        response = as_lead.get(ROSTER, {"status": "all", "format": file_format})
        rows = _csv(response) if file_format == "csv" else _xlsx(response)
    assert len(rows) == 201
    assert rows[1][6] == "LinkedIn: @Crowd000; X: @Crowd000"
