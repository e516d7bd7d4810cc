"""Acknowledging the social media policy: the status, the graded acknowledgement, the check
page at /roster/policy/ and the section on the policy page."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advocacy.events import POLICY_ACKNOWLEDGED
from advocacy.models import PolicyAcknowledgement
from advocacy.policy import policy_status
from advocacy.services import policy_acknowledge
from cms.models import PolicyPage
from tests.events import listening
from tests.factories import PolicyPageFactory, UserFactory, policy_answers, policy_republish

pytestmark = pytest.mark.django_db

CHECK = reverse("advocacy:policy_check")


@pytest.fixture
def policy():
    return PolicyPageFactory()


@pytest.fixture
def acknowledged():
    """Every ``POLICY_ACKNOWLEDGED`` handled during the test, as the rows it names."""
    with listening(POLICY_ACKNOWLEDGED) as heard:
        yield heard


def _rows(heard) -> list[PolicyAcknowledgement]:
    return [
        PolicyAcknowledgement.objects.get(user_id=event["user_id"], version_id=event["version_id"])
        for event in heard
    ]


def _answers(page, *, wrong: int = 0) -> dict[str, str]:
    """Service answers: question pk (as a string) → choice number."""
    return {key[1:]: value for key, value in policy_answers(page, wrong=wrong).items()}


def _acknowledge(user, page, **overrides):
    arguments = {
        "user": user,
        "version_id": page.versions.order_by("-number").first().pk,
        "answers": _answers(page),
        "now": timezone.now(),
    }
    arguments.update(overrides)
    return policy_acknowledge(**arguments)


def _questions(page):
    return list(page.questions.order_by("sort_order", "pk"))


def _post(client, page, **data):
    """The check form as a browser sends it, right answers unless ``data`` says otherwise."""
    form = {"version": str(page.versions.order_by("-number").first().pk)}
    form.update(policy_answers(page))
    form.update(data)
    return client.post(CHECK, {key: value for key, value in form.items() if value is not None})


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- policy_status ------------------------------------------------------------------------


def test_status_without_a_policy(learner):
    """No published policy: nothing current, nothing to acknowledge."""
    status = policy_status(user=learner)
    assert status.version is None
    assert not status.acknowledged
    assert not status.needs_acknowledging


def test_status_follows_acknowledgements_and_new_versions(learner, policy):
    """Not yet → acknowledged (with the time) → a new version asks again, remembering v1."""
    status = policy_status(user=learner)
    assert status.version.number == 1
    assert status.needs_acknowledging
    assert status.last_acknowledged is None

    row = _acknowledge(learner, policy)
    status = policy_status(user=learner)
    assert status.acknowledged
    assert status.acknowledged_at == row.acknowledged_at
    assert status.last_acknowledged.number == 1

    policy_republish(policy, material=True, change_note="Crises: new rule.")
    status = policy_status(user=learner)
    assert status.version.number == 2
    assert not status.acknowledged
    assert status.acknowledged_at is None
    assert status.last_acknowledged.number == 1


def test_status_costs_two_queries(learner, policy, django_assert_num_queries):
    """The current version and the person's acknowledgement: two queries, one if passed."""
    _acknowledge(learner, policy)
    with django_assert_num_queries(2):
        status = policy_status(user=learner)
    with django_assert_num_queries(1):
        assert policy_status(user=learner, version=status.version).acknowledged


# --- policy_acknowledge -------------------------------------------------------------------


def test_right_answers_acknowledge_the_current_version(
    learner, policy, acknowledged, django_capture_on_commit_callbacks
):
    """All right: one acknowledgement of version 1, announced once after commit."""
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        row = _acknowledge(learner, policy, now=now)
    assert row.user == learner
    assert row.version == policy.versions.get()
    assert row.acknowledged_at == now
    assert _rows(acknowledged) == [row]


def test_integer_keys_and_values_work_too(learner, policy):
    """Callers other than the form may pass ints."""
    answers = {int(key): int(value) for key, value in _answers(policy).items()}
    assert _acknowledge(learner, policy, answers=answers).pk


def test_a_wrong_answer_is_refused_with_the_explanation(learner, policy):
    """One wrong answer: an error on that question with its explanation; nothing written."""
    first = _questions(policy)[0]
    with pytest.raises(ValidationError) as caught:
        _acknowledge(learner, policy, answers=_answers(policy, wrong=1))
    errors = caught.value.error_dict
    assert list(errors) == [f"q{first.pk}"]
    assert errors[f"q{first.pk}"][0].code == "failed"
    assert first.explanation in errors[f"q{first.pk}"][0].messages[0]
    assert not PolicyAcknowledgement.objects.exists()


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "   ",
        None,
        "0",
        "4",
        "-1",
        "1.0",
        "1; DROP TABLE cms_policyquestion",
        "x" * 100_000,
        "\u0661",  # ARABIC-INDIC DIGIT ONE: a digit to str.isdigit, not to us
        "²",
        True,
        99,
        [],
        {"a": 1},
    ],
    ids=lambda value: repr(value)[:20],
)
def test_malformed_answers_are_refused_cleanly(learner, policy, answer):
    """Blanks, non-numbers, other scripts' digits, out-of-range numbers and odd types are
    refused as failed answers on their question, never a crash."""
    first = _questions(policy)[0]
    answers = _answers(policy)
    answers[str(first.pk)] = answer
    with pytest.raises(ValidationError) as caught:
        _acknowledge(learner, policy, answers=answers)
    error = caught.value.error_dict[f"q{first.pk}"][0]
    assert error.code == "failed"
    assert first.explanation in error.messages[0]
    assert not PolicyAcknowledgement.objects.exists()


def test_missing_and_unknown_questions_are_refused(learner, policy):
    """A question left out, and a question that is not in the check, are both refused."""
    questions = _questions(policy)
    answers = _answers(policy)
    del answers[str(questions[1].pk)]
    answers["999999"] = "1"
    answers["not-a-number"] = "1"
    with pytest.raises(ValidationError) as caught:
        _acknowledge(learner, policy, answers=answers)
    errors = caught.value.error_dict
    assert set(errors) == {f"q{questions[1].pk}", "q999999", "qnot-a-number"}
    assert all(error[0].code == "failed" for error in errors.values())
    assert not PolicyAcknowledgement.objects.exists()


def test_an_old_version_is_refused_naming_the_current_one(learner, policy):
    """Answers for version 1 after version 2 is out: refused, and the message says 2."""
    old = policy.versions.get()
    policy_republish(policy, material=True, change_note="Crises: new rule.")
    with pytest.raises(ValidationError) as caught:
        _acknowledge(learner, policy, version_id=old.pk)
    assert caught.value.code == "old_version"
    assert "version 2" in caught.value.messages[0]
    assert not PolicyAcknowledgement.objects.exists()


@pytest.mark.parametrize("version_id", ["", None, "abc", "-1", "1 OR 1=1", "9" * 40, 10**30])
def test_a_tampered_version_id_is_refused(learner, policy, version_id):
    """Anything but the current version's id is an old version."""
    with pytest.raises(ValidationError) as caught:
        _acknowledge(learner, policy, version_id=version_id)
    assert caught.value.code == "old_version"


def test_no_policy_and_no_user_are_refused(learner, client):
    """Without a published policy there is nothing to acknowledge; anonymous may not."""
    with pytest.raises(ValidationError) as caught:
        policy_acknowledge(user=learner, version_id=1, answers={}, now=timezone.now())
    assert caught.value.code == "no_policy"
    anonymous = client.get("/").wsgi_request.user
    with pytest.raises(PermissionDenied):
        policy_acknowledge(user=anonymous, version_id=1, answers={}, now=timezone.now())


def test_acknowledging_again_returns_the_first_row(
    learner, policy, acknowledged, django_capture_on_commit_callbacks
):
    """A second acknowledgement of the same version changes nothing and announces nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        first = _acknowledge(learner, policy)
        again = _acknowledge(learner, policy)
    assert again == first
    assert again.acknowledged_at == first.acknowledged_at
    assert PolicyAcknowledgement.objects.count() == 1
    assert _rows(acknowledged) == [first]


class _LateManager:
    """Stands in for the manager of a request that looked before the other click wrote."""

    def __init__(self, real):
        self.real = real
        self.looked = False

    def filter(self, **lookup):
        if not self.looked:
            self.looked = True
            return self.real.none()
        return self.real.filter(**lookup)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_double_click_that_loses_the_race_returns_the_winner(
    learner, policy, monkeypatch, acknowledged, django_capture_on_commit_callbacks
):
    """When the other click wrote first, the unique constraint answers and its row is
    returned: no error, one row, nothing announced twice."""
    winner = PolicyAcknowledgement.objects.create(
        user=learner, version=policy.versions.get(), acknowledged_at=timezone.now()
    )
    monkeypatch.setattr(
        PolicyAcknowledgement, "objects", _LateManager(PolicyAcknowledgement.objects)
    )
    with django_capture_on_commit_callbacks(execute=True):
        loser = _acknowledge(learner, policy)
    assert loser == winner
    assert acknowledged == []
    monkeypatch.undo()
    assert PolicyAcknowledgement.objects.count() == 1


# --- The check page -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, policy):
    """GET and POST both ask visitors to log in first; nothing is written."""
    for response in (client.get(CHECK), _post(client, policy)):
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    assert not PolicyAcknowledgement.objects.exists()


def test_every_role_can_take_the_check(client, any_person, policy):
    """Whoever is logged in reads the check: employees, managers, trainers, HR, leads."""
    client.force_login(any_person)
    assert client.get(CHECK).status_code == HTTPStatus.OK


def test_check_shows_summary_link_version_and_accessible_questions(client, learner, policy):
    """Summary, a link to the whole policy, the version, each question as a radio group
    in a fieldset with a legend, and the version's id hidden in the form."""
    client.force_login(learner)
    response = client.get(CHECK)
    soup = BeautifulSoup(response.content, "html.parser")
    assert policy.summary in soup.get_text()
    assert soup.find("a", href=policy.url) is not None
    hidden = soup.find("input", attrs={"name": "version", "type": "hidden"})
    assert hidden["value"] == str(policy.versions.get().pk)
    form = hidden.find_parent("form")
    fieldsets = form.find_all("fieldset")
    questions = _questions(policy)
    assert len(fieldsets) == len(questions)
    for fieldset, question in zip(fieldsets, questions, strict=True):
        assert question.prompt in fieldset.legend.get_text()
        radios = fieldset.find_all("input", attrs={"type": "radio", "name": f"q{question.pk}"})
        assert len(radios) == len(question.choice_list())
        for radio in radios:
            assert fieldset.find("label", attrs={"for": radio["id"]}) is not None


def test_right_answers_acknowledge_and_go_back_to_the_policy(client, learner, policy):
    """All right: acknowledged, a thank-you, back to the policy page."""
    client.force_login(learner)
    response = _post(client, policy)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == policy.url
    assert PolicyAcknowledgement.objects.get().user == learner
    assert any("you acknowledged version 1" in message for message in _messages(response))


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/dashboard/", "/dashboard/"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("javascript:alert(1)", None),
        ("/" + "a" * 5000, None),
    ],
)
def test_only_a_safe_next_address_is_followed(client, learner, policy, next_url, expected):
    """``next`` on this site is followed; anywhere else falls back to the policy page."""
    client.force_login(learner)
    response = _post(client, policy, next=next_url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == (expected or policy.url)


def test_a_wrong_answer_shows_the_form_again_with_the_choices_kept(client, learner, policy):
    """A wrong answer: the form again, every choice as the person left it, the note with
    the explanation under the wrong question only; nothing written."""
    client.force_login(learner)
    data = policy_answers(policy, wrong=1)
    response = _post(client, policy, **data)
    assert response.status_code == HTTPStatus.OK
    soup = BeautifulSoup(response.content, "html.parser")
    for name, value in data.items():
        checked = soup.find("input", attrs={"name": name, "checked": True})
        assert checked is not None
        assert checked["value"] == value
    first, *others = _questions(policy)
    error = soup.find(id=f"q{first.pk}-error")
    assert first.explanation in error.get_text()
    assert soup.find(id=f"q{first.pk}")["aria-describedby"] == f"q{first.pk}-error"
    for question in others:
        assert soup.find(id=f"q{question.pk}-error") is None
    assert "One answer needs another look" in soup.get_text()
    assert not PolicyAcknowledgement.objects.exists()


@pytest.mark.parametrize(
    "tampering",
    [
        {"version": "abc"},
        {"version": "1; DROP TABLE cms_policyversion"},
        {"version": "9" * 100_000},
        {"version": None},
        {"q999999": "1"},
        {"first": "1; DROP TABLE advocacy_policyacknowledgement"},
        {"first": "x" * 100_000},
        {"first": None},
        {"first": "7"},
    ],
    ids=lambda value: repr(value)[:30],
)
def test_hostile_input_gets_a_clear_answer_and_writes_nothing(client, learner, policy, tampering):
    """Forged versions, forged or missing answers, huge strings: a page that says what is
    wrong (never an error page), the other answers kept, nothing written."""
    client.force_login(learner)
    first, second, _third = _questions(policy)
    data = dict(tampering)
    if "first" in data:
        data[f"q{first.pk}"] = data.pop("first")
    response = _post(client, policy, **data)
    assert response.status_code == HTTPStatus.OK
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(attrs={"role": "alert"}) is not None
    kept = soup.find("input", attrs={"name": f"q{second.pk}", "checked": True})
    assert kept["value"] == str(second.correct_choice)
    assert not PolicyAcknowledgement.objects.exists()


def test_fields_that_cannot_be_answers_are_ignored(client, learner, policy):
    """Field names that are no question's (too long to be an id, other names) are not
    answers: right answers still acknowledge."""
    client.force_login(learner)
    response = _post(client, policy, **{"q" + "9" * 40: "1", "qx": "1", "answer": "2"})
    assert response.status_code == HTTPStatus.FOUND
    assert PolicyAcknowledgement.objects.count() == 1


def test_a_version_published_while_answering_shows_the_new_one(client, learner, policy):
    """Version 2 came out while the person answered version 1: they are told, see version
    2 with what changed, keep their choices, and nothing is acknowledged."""
    client.force_login(learner)
    old = policy.versions.get()
    client.get(CHECK)
    policy = policy_republish(policy, material=True, change_note="Crises: wait for the team.")
    data = policy_answers(policy)
    response = _post(client, policy, version=str(old.pk), **data)
    assert response.status_code == HTTPStatus.OK
    text = BeautifulSoup(response.content, "html.parser").get_text()
    assert "The policy changed while you were reading it" in text
    assert "version 2 is now current" in text
    assert "Crises: wait for the team." in text
    soup = BeautifulSoup(response.content, "html.parser")
    new = policy.versions.get(number=2)
    assert soup.find("input", attrs={"name": "version"})["value"] == str(new.pk)
    for name, value in data.items():
        assert soup.find("input", attrs={"name": name, "checked": True})["value"] == value
    assert not PolicyAcknowledgement.objects.exists()
    assert _post(client, policy, **data).status_code == HTTPStatus.FOUND
    assert PolicyAcknowledgement.objects.get().version == new


def test_a_double_submit_acknowledges_once(client, learner, policy):
    """The same form sent twice: one acknowledgement, and the second says so kindly."""
    client.force_login(learner)
    assert _post(client, policy).status_code == HTTPStatus.FOUND
    second = _post(client, policy)
    assert second.status_code == HTTPStatus.FOUND
    assert PolicyAcknowledgement.objects.count() == 1
    assert any("already acknowledged" in message for message in _messages(second))


def test_after_acknowledging_the_check_says_so(client, learner, policy):
    """Coming back, the person sees when they acknowledged this version."""
    client.force_login(learner)
    _acknowledge(learner, policy)
    assert "You acknowledged version 1 on" in client.get(CHECK).content.decode()


def test_no_policy_published_is_a_friendly_page(client, learner):
    """Nothing published: the page says there is nothing to acknowledge, GET or POST."""
    client.force_login(learner)
    PolicyPageFactory(live=False)
    for response in (client.get(CHECK), client.post(CHECK, {"version": "1", "q1": "1"})):
        assert response.status_code == HTTPStatus.OK
        assert "There is nothing to acknowledge yet" in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_a_policy_withdrawn_while_answering_says_there_is_nothing_to_acknowledge(
    client, learner, policy
):
    """The page was unpublished meanwhile: the friendly page, nothing written."""
    client.force_login(learner)
    data = {"version": str(policy.versions.get().pk), **policy_answers(policy)}
    policy.unpublish()
    response = client.post(CHECK, data)
    assert response.status_code == HTTPStatus.OK
    assert "There is nothing to acknowledge yet" in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_check_page_queries_do_not_grow_with_questions(
    client, learner, policy, django_assert_max_num_queries
):
    """Ten questions, four versions and an acknowledgement cost the same few queries as
    three questions and one version."""
    client.force_login(learner)
    client.get(CHECK)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as first:
        client.get(CHECK)
    three_questions = len(first)  # read now: the next request empties the query log
    questions = [
        {
            "prompt": f"Question {number}",
            "choices": "Yes\nNo\nMaybe",
            "correct_choice": 1,
            "explanation": f"Because {number}.",
        }
        for number in range(10)
    ]
    for number in range(3):
        policy = policy_republish(
            policy, material=True, change_note=f"Change {number}", questions=questions
        )
    _acknowledge(learner, policy)
    with django_assert_max_num_queries(three_questions):
        response = client.get(CHECK)
    assert response.content.decode().count("<fieldset") == 10
    assert three_questions <= 12


# --- The section on the policy page -------------------------------------------------------


def test_policy_page_asks_a_reader_who_has_not_acknowledged(client, learner, policy):
    """Logged in, not yet acknowledged: the page says so, with a button to the check."""
    client.force_login(learner)
    soup = BeautifulSoup(client.get(policy.url).content, "html.parser")
    section = soup.find(attrs={"data-section": "policy-acknowledgement"})
    assert "You have not acknowledged version 1 yet" in section.get_text()
    button = section.find("a", class_="button")
    assert button["href"] == f"{CHECK}?next={policy.url.replace('/', '%2F')}"


def test_policy_page_confirms_an_acknowledgement_and_asks_again_on_a_new_version(
    client, learner, policy
):
    """Acknowledged: the date, no button. After version 2: asked again, naming both."""
    client.force_login(learner)
    _acknowledge(learner, policy)
    section = BeautifulSoup(client.get(policy.url).content, "html.parser").find(
        attrs={"data-section": "policy-acknowledgement"}
    )
    assert "You acknowledged version 1 on" in section.get_text()
    assert section.find("a", class_="button") is None
    policy_republish(policy, material=True, change_note="New rule.")
    text = BeautifulSoup(client.get(policy.url).content, "html.parser").get_text()
    assert "You acknowledged version 1; version 2 changes what we ask of you." in text


def test_policy_page_shows_visitors_no_section(client, policy):
    """Visitors read the policy; there is nobody to ask."""
    content = client.get(policy.url).content.decode()
    assert 'data-section="policy-acknowledgement"' not in content
    assert policy.title in content


def test_another_person_acknowledging_does_not_count_for_you(client, learner, policy):
    """The section is about the reader only."""
    _acknowledge(UserFactory(), policy)
    client.force_login(learner)
    assert "You have not acknowledged version 1 yet" in client.get(policy.url).content.decode()
    assert PolicyPage.objects.count() == 1
