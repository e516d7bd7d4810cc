"""Plan B pages at /plan-b/: every role on every page, the form with hostile input and
nothing lost, the signed answer link (no writes on GET), the live part, closing, and the
query budget."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from advocacy.callouts import callout_answer_token, callout_open
from advocacy.models import CallOut, CallOutResponder, CallOutUnit

from .planb_world import planb_world

LIST = reverse("planb:list")
NEW = reverse("planb:new")
ROLES = ["learner", "manager", "trainer", "hr", "lead", "site_admin"]
HUB = {"hr", "lead", "site_admin"}
Answer = CallOutResponder.Answer
BRIEF = {
    "title": "Trains stuck near Utrecht",
    "brief": "Signal failure; two hours at least.",
    "channels": "X replies",
    "holding_statement": "We are sorry: trains near Utrecht are stuck.",
    "playbook_url": "https://intranet.example/playbook",
}


@pytest.fixture
def world(db):
    return planb_world()


@pytest.fixture
def call_out(world, lead):
    return callout_open(by=lead, units=[world.alpha], **BRIEF)


def _post_data(world, **changes):
    data = {
        "units": [world.alpha.pk],
        "wanted": "2",
        "escalate_after": "15",
        **BRIEF,
    }
    data.update(changes)
    return data


def _answer_url(call_out, name):
    responder = call_out.responders.get(user__first_name=name)
    return reverse("planb:answer", kwargs={"token": callout_answer_token(responder=responder)})


# --- Who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_list_for_every_role(client, request, role, call_out):
    """The hub sees every call-out and the button; others see only their own (none)."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(LIST)
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    if role in HUB:
        assert "Trains stuck near Utrecht" in body
        assert NEW in body
    else:
        assert "Trains stuck near Utrecht" not in body
        assert NEW not in body
        assert "You have not been called" in body


def test_a_person_called_sees_their_call_out_in_the_list(client, world, call_out):
    client.force_login(world.people["ann"])
    body = client.get(LIST).content.decode()
    assert "Trains stuck near Utrecht" in body
    assert "No answer yet" in body


def test_the_hub_list_without_call_outs_says_so(client, lead, world):
    client.force_login(lead)
    body = client.get(LIST).content.decode()
    assert "No call-out is open" in body
    assert "No call-out or drill yet" in body


@pytest.mark.parametrize("role", ROLES)
def test_the_new_form_for_every_role(client, request, role, world):
    client.force_login(request.getfixturevalue(role))
    response = client.get(NEW)
    assert response.status_code == (HTTPStatus.OK if role in HUB else HTTPStatus.FORBIDDEN)
    if role in HUB:
        assert "Alpha: 2 ready of 4" in response.content.decode()


@pytest.mark.parametrize("url_name", ["list", "new"])
def test_visitors_are_sent_to_log_in(client, world, url_name):
    response = client.get(reverse(f"planb:{url_name}"))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_the_detail_page_for_every_role(client, request, role, call_out):
    """The hub sees who answered; anyone not called gets a 404 (like a call-out that does
    not exist); the live part is the hub's only."""
    client.force_login(request.getfixturevalue(role))
    detail = reverse("planb:detail", args=[call_out.pk])
    live = reverse("planb:live", args=[call_out.pk])
    close = reverse("planb:close", args=[call_out.pk])
    if role in HUB:
        body = client.get(detail).content.decode()
        assert "Ann Test" in body
        assert "0 of 2 available now" in body
        assert client.get(live).status_code == HTTPStatus.OK
        assert client.get(close).status_code == HTTPStatus.OK
    else:
        assert client.get(detail).status_code == HTTPStatus.NOT_FOUND
        assert client.get(live).status_code == HTTPStatus.FORBIDDEN
        assert client.get(close).status_code == HTTPStatus.FORBIDDEN
        assert client.post(close).status_code == HTTPStatus.FORBIDDEN
    assert CallOut.objects.get(pk=call_out.pk).is_open


def test_an_unknown_call_out_is_a_404_for_the_hub(client, lead, world):
    client.force_login(lead)
    assert client.get(reverse("planb:detail", args=[999])).status_code == HTTPStatus.NOT_FOUND


def test_a_person_called_answers_on_the_page(client, world, call_out):
    """Ann sees the brief (the playbook link with rel=noopener) and answers "now"."""
    client.force_login(world.people["ann"])
    page = client.get(reverse("planb:detail", args=[call_out.pk])).content.decode()
    assert "We are sorry" in page
    assert 'rel="nofollow noopener"' in page
    assert "Ari Test" not in page  # others' answers are the hub's to see
    response = client.post(reverse("planb:respond", args=[call_out.pk]), {"answer": "now"})
    assert response.status_code == HTTPStatus.OK
    assert call_out.responders.get(user=world.people["ann"]).answer == Answer.NOW


def test_someone_not_called_cannot_answer(client, world, call_out):
    client.force_login(world.people["amy"])
    response = client.post(reverse("planb:respond", args=[call_out.pk]), {"answer": "now"})
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- The signed link ------------------------------------------------------------------------


def test_the_link_shows_buttons_and_a_get_never_answers(client, world, call_out):
    """Without logging in: the GET asks, the POST answers, the hub's board shows it."""
    url = _answer_url(call_out, "Ann")
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert 'value="now"' in response.content.decode()
    assert call_out.responders.get(user__first_name="Ann").answer == Answer.PENDING
    response = client.post(url, {"answer": "now"})
    assert response.status_code == HTTPStatus.OK
    assert "Available now" in response.content.decode()
    assert call_out.responders.get(user__first_name="Ann").answered_at is not None
    client.post(_answer_url(call_out, "Ari"), {"answer": "now"})
    assert CallOutUnit.objects.get(call_out=call_out).reached_at is not None


@pytest.mark.parametrize("answer", ["", "pending", "maybe", "now' OR 1=1", "x" * 5000])
def test_a_hostile_answer_is_refused_and_nothing_changes(client, world, call_out, answer):
    response = client.post(_answer_url(call_out, "Ann"), {"answer": answer})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose one of the answers." in response.content.decode()
    assert call_out.responders.get(user__first_name="Ann").answer == Answer.PENDING


@pytest.mark.parametrize("token", ["nonsense", "a:b:c", "%00", "x" * 300])
def test_a_bad_link_is_a_404_that_explains(client, world, call_out, token):
    response = client.get(reverse("planb:answer", kwargs={"token": token}))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "This link does not work" in response.content.decode()


def test_a_tampered_link_is_a_404(client, world, call_out):
    url = _answer_url(call_out, "Ann")
    response = client.post(url[:-3] + "AA/", {"answer": "now"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert call_out.responders.get(user__first_name="Ann").answer == Answer.PENDING


def test_a_closed_call_out_takes_no_answers(client, world, call_out, lead):
    client.force_login(lead)
    client.post(reverse("planb:close", args=[call_out.pk]))
    client.logout()
    url = _answer_url(call_out, "Ann")
    assert "This call-out is closed" in client.get(url).content.decode()
    response = client.post(url, {"answer": "now"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert call_out.responders.get(user__first_name="Ann").answer == Answer.PENDING


# --- Opening --------------------------------------------------------------------------------


def test_the_hub_opens_a_call_out(client, lead, world, django_capture_on_commit_callbacks):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, _post_data(world, is_drill="on"))
    call_out = CallOut.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("planb:detail", args=[call_out.pk])
    assert call_out.is_drill
    assert call_out.opened_by == lead
    assert len(mail.outbox) == 2


def test_a_unit_with_nobody_ready_is_named_before_sending(client, lead, world):
    """Gamma has Gus ready, but a unit with nobody ready (a new one) stops the form until
    the box is ticked; everything typed stays."""
    from tests.factories import BusinessUnitFactory, UserFactory

    empty = BusinessUnitFactory(name="Delta", parent=world.hub)
    UserFactory(unit=empty)
    client.force_login(lead)
    response = client.post(NEW, _post_data(world, units=[empty.pk, world.alpha.pk]))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Nobody is ready for a bad day in Delta" in body
    assert "Delta: 0 ready of 1" in body
    assert "We are sorry: trains near Utrecht are stuck." in body
    assert "https://intranet.example/playbook" in body
    assert not CallOut.objects.exists()
    response = client.post(
        NEW, _post_data(world, units=[empty.pk, world.alpha.pk], send_anyway="on")
    )
    assert response.status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"units": []}, "Choose at least one unit."),
        ({"units": ["999999"]}, "Choose units from the list."),
        ({"units": ["alpha"]}, "Choose units from the list."),
        ({"playbook_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"playbook_url": "ftp://files.example/playbook"}, "Give the playbook"),
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 161}, "Ensure this value has at most 160 characters"),
        ({"wanted": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"wanted": "lots"}, "Enter a whole number."),
        ({"escalate_after": "9999"}, "Ensure this value is less than or equal to 240."),
        ({"brief": "x" * 2001}, "Ensure this value has at most 2000 characters"),
    ],
)
def test_hostile_input_is_refused_and_kept(client, lead, world, changes, message):
    client.force_login(lead)
    response = client.post(NEW, _post_data(world, **changes))
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert message in body
    assert "Signal failure; two hours at least." in body or "brief" in changes
    assert not CallOut.objects.exists()


def test_script_in_the_brief_is_shown_as_text(client, lead, world):
    client.force_login(lead)
    client.post(NEW, _post_data(world, brief="<script>alert(1)</script>"))
    call_out = CallOut.objects.get()
    body = client.get(reverse("planb:detail", args=[call_out.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- Live, closing, queries -----------------------------------------------------------------


def test_the_live_part_follows_the_answers(client, lead, world, call_out):
    client.force_login(lead)
    live = reverse("planb:live", args=[call_out.pk])
    assert "0 of 2 available now, 2 more wanted" in client.get(live).content.decode()
    client.post(_answer_url(call_out, "Ann"), {"answer": "now"})
    client.post(_answer_url(call_out, "Ari"), {"answer": "now"})
    body = client.get(live).content.decode()
    assert "2 available now, enough" in body
    assert "<html" not in body  # a fragment, not a page


def test_the_detail_page_polls_only_while_open(client, lead, world, call_out):
    client.force_login(lead)
    detail = reverse("planb:detail", args=[call_out.pk])
    body = client.get(detail).content.decode()
    assert "data-planb-live" in body
    assert "js/plan-b.js" in body
    assert "<script>" not in body  # no inline script (CSP)
    client.post(reverse("planb:close", args=[call_out.pk]))
    assert "data-planb-live" not in client.get(detail).content.decode()


def test_closing_asks_then_closes_once(client, hr, world, call_out):
    client.force_login(hr)
    close = reverse("planb:close", args=[call_out.pk])
    assert "Close “Trains stuck near Utrecht”?" in client.get(close).content.decode()
    assert CallOut.objects.get(pk=call_out.pk).is_open  # the GET changed nothing
    response = client.post(close, follow=True)
    assert "Call-out closed" in response.content.decode()
    assert CallOut.objects.get(pk=call_out.pk).closed_by == hr
    response = client.post(close, follow=True)
    assert "already closed" in response.content.decode()


def test_the_pages_have_a_fixed_number_of_queries(
    client, lead, world, django_assert_max_num_queries
):
    """The list and the board do not grow with people called or call-outs."""
    from tests.factories import UserFactory

    from .planb_world import make_ready

    client.force_login(lead)
    first = callout_open(by=lead, units=[world.alpha, world.beta], **BRIEF)
    detail = reverse("planb:detail", args=[first.pk])
    client.get(detail)
    with django_assert_max_num_queries(30) as small:
        client.get(detail)
        client.get(LIST)
    from competencies.models import Competency

    competency = Competency.objects.get(is_crisis_readiness=True)
    coach = UserFactory(email="coach@spoke.example")
    for index in range(12):
        make_ready(UserFactory(unit=world.alpha, email=f"extra{index}@x.example"), competency,
                   by=coach)  # fmt: skip
    second = callout_open(by=lead, units=[world.alpha, world.gamma], **BRIEF)
    callout_open(by=lead, units=[world.beta], **BRIEF)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("planb:detail", args=[second.pk]))
        client.get(LIST)


# --- The hub's list, a page at a time -------------------------------------------------------


def _closed_call_outs(world, lead, count):
    """``count`` closed call-outs, the newest first in the list: "Closed 0" is the newest."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    rows = CallOut.objects.bulk_create(
        CallOut(
            title=f"Closed {n}",
            brief="Over.",
            holding_statement="Sorry.",
            opened_at=now - timedelta(days=n + 1),
            opened_by=lead,
            closed_at=now - timedelta(days=n + 1) + timedelta(hours=2),
            closed_by=lead,
        )
        for n in range(count)
    )
    CallOutUnit.objects.bulk_create(CallOutUnit(call_out=row, unit=world.alpha) for row in rows)
    return rows


def _titles(response) -> list[str]:
    return [c.title for c in response.context["closed"]]


def test_closed_call_outs_come_a_page_at_a_time_with_the_open_ones_on_top(
    client, lead, world, call_out
):
    """32 closed call-outs: 25 on the first page, the other 7 on the second; the open
    call-out heads both pages."""
    _closed_call_outs(world, lead, 32)
    client.force_login(lead)
    first = client.get(LIST)
    assert _titles(first) == [f"Closed {n}" for n in range(25)]
    assert [c.title for c in first.context["open"]] == ["Trains stuck near Utrecht"]
    assert "Page 1 of 2" in first.text
    assert 'href="?p=2"' in first.text

    second = client.get(LIST, {"p": "2"})
    assert _titles(second) == [f"Closed {n}" for n in range(25, 32)]
    assert [c.title for c in second.context["open"]] == ["Trains stuck near Utrecht"]
    assert "Page 2 of 2" in second.text
    assert 'href="?p=1"' in second.text
    body = second.text
    assert body.index("Trains stuck near Utrecht") < body.index("Closed 25")


@pytest.mark.parametrize(
    ("value", "expected"), [("abc", 1), ("999", 2), ("0", 2), ("-1", 2), ("", 1), ("2.5", 1)]
)
def test_a_page_number_that_is_not_one_gives_a_sensible_page(client, lead, world, value, expected):
    """Not a number: the first page; past the end (or below it): the last. Never an error."""
    _closed_call_outs(world, lead, 30)
    client.force_login(lead)
    response = client.get(LIST, {"p": value})
    assert response.status_code == HTTPStatus.OK
    assert response.context["page"].number == expected


def test_a_short_list_has_no_pager(client, lead, world, call_out):
    """One page of call-outs: no page links."""
    _closed_call_outs(world, lead, 3)
    client.force_login(lead)
    response = client.get(LIST)
    assert len(response.context["closed"]) == 3
    assert "Page 1 of" not in response.text


def test_the_pages_of_the_list_keep_their_query_budget(
    client, lead, world, call_out, django_assert_max_num_queries
):
    """Page 1 of 2 and page 2 of 5 read as many queries as page 1 of 1."""
    _closed_call_outs(world, lead, 3)
    client.force_login(lead)
    client.get(LIST)
    with django_assert_max_num_queries(20) as small:
        client.get(LIST)
    _closed_call_outs(world, lead, 120)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(LIST).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert _titles(client.get(LIST, {"p": "2"}))
