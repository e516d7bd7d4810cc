"""One error pattern everywhere: every form of ours that comes back with errors starts its
page with the error summary ("There is a problem"), which lists each problem and links to
an element that exists, and the page keeps what was typed. The summary itself, the
templates that show errors (walked) and the script that focuses it."""

import re
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from cms.models import Platform
from core.templatetags.error_summary import Problem, form_problems
from tests.assessments.helpers_review import assignment_for, attempt, member, running_cohort
from tests.factories import EnrollmentFactory

ROOT = Path(settings.BASE_DIR)
TITLE = "There is a problem"


# --- The tag -----------------------------------------------------------------------------


class _Form(forms.Form):
    name = forms.CharField(max_length=3)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    secret = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def test_problems_come_in_order_linked_to_their_fields():
    """The form's own errors first (no link), then each field's: an input by its id, a
    radio group by the element holding it, a hidden field without a link."""
    form = _Form({"name": "toolong", "kind": "z"})
    assert form_problems(form) == [
        Problem("The whole form is wrong."),
        Problem("Ensure this value has at most 3 characters (it has 7).", "#id_name"),
        Problem("Select a valid choice. z is not one of the available choices.", "#id_kind"),
        Problem("This field is required."),
    ]
    assert 'id="id_kind"' in str(form["kind"])  # the radio group's element exists


def test_anchors_a_form_names_win_and_other_sources_are_read():
    """``error_anchors`` points a field elsewhere; messages, rows, formsets and lists are
    read; forms without errors, None and "" add nothing."""

    class Anchored(_Form):
        error_anchors = {"name": "name-row"}

    class Row:
        name = "q7"
        errors = ["Not this one."]

    formset = forms.formset_factory(_Form, extra=0)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "ok"}
    )
    problems = form_problems(
        Anchored({"name": "toolong"}), "A message.", Row(), None, "", [formset], _Form()
    )
    hrefs = [problem.href for problem in problems]
    assert "#name-row" in hrefs
    assert Problem("A message.") in problems
    assert Problem("Not this one.", "#q7") in problems
    assert "#id_form-0-kind" in hrefs
    assert "#id_name" not in hrefs


def test_the_summary_renders_nothing_without_problems_and_escapes_what_it_lists():
    template = Template("{% load error_summary %}{% error_summary form note=note %}")
    assert template.render(Context({"form": _Form()})).strip() == ""
    form = _Form({"name": "<b>x</b>", "kind": "a", "secret": "s"})
    html = template.render(Context({"form": form, "note": "<i>kept</i>"}))
    assert TITLE in html
    assert "data-error-summary" in html
    assert 'tabindex="-1"' in html
    assert "&lt;i&gt;kept&lt;/i&gt;" in html
    assert "<b>" not in html
    assert "<i>" not in html


# --- Every template that shows errors ------------------------------------------------------


def _templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        yield from folder.rglob("*.html")


SHOWS_ERRORS = re.compile(r"\.errors|non_field_errors|errorlist|csv_errors|general_errors")
# Partials that draw fields; their page's summary comes from templates/base.html.
PARTIALS = {
    "includes/form_fields.html",
    "allauth/elements/fields.html",
    "allauth/elements/field.html",
    "assessments/includes/field.html",
    "reports/includes/filters.html",
    "includes/error_summary.html",
    "courses/blocks/knowledge_check.html",  # no form object: its error is at the check
}


def _name(path: Path) -> str:
    return str(path.relative_to(path.parents[len(path.parts) - path.parts.index("templates") - 2]))


def test_every_template_showing_errors_has_the_summary():
    """A page in the admin heads its content with the tag; a site page either shows the
    context's ``form`` through base.html or fills the block; nobody keeps an own banner."""
    missing, banners = [], []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        name = _name(path)
        if 'class="form-errors" role="alert"' in text:
            banners.append(name)
        if not SHOWS_ERRORS.search(text) or name in PARTIALS:
            continue
        in_admin = 'extends "wagtailadmin/' in text
        if in_admin and "{% error_summary" not in text:
            missing.append(name)
    assert banners == []
    assert missing == []
    base = (ROOT / "templates" / "base.html").read_text()
    assert "{% error_summary form %}" in base
    assert base.index("{% error_summary form %}") < base.index("{% block content %}")
    assert "js/error-summary.js" in base


def test_the_script_focuses_the_summary_and_the_announced_result():
    script = (ROOT / "static" / "js" / "error-summary.js").read_text()
    assert "[data-error-summary]" in script
    assert "data-announce" in script
    assert ".focus(" in script


# --- Every form, sent wrong ----------------------------------------------------------------


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if element_id := dict(attrs).get("id"):
            self.ids.add(element_id)


def _check_summary(response, typed=()):
    """The page has one summary, before the page's first form, every link of which leads
    to an element of the page; each typed value is on the page (escaped)."""
    assert response.status_code == HTTPStatus.OK, response.status_code
    html = response.content.decode()
    assert html.count("data-error-summary") == 1, "one summary"
    start = html.index("data-error-summary")
    assert start < html.index("<form", html.index("<main")), "summary before the forms"
    end = html.index("</div>", start)
    links = re.findall(r'href="#([^"]+)"', html[start:end])
    parser = _Ids()
    parser.feed(html)
    assert all(link in parser.ids for link in links), (links, "missing targets")
    assert TITLE in html[start:end]
    for value in typed:
        assert escape(value) in html, value
    return html[start:end], links


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verified_learner(learner):
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
    return learner


def test_log_in(client, verified_learner):
    response = client.post(
        reverse("account_login"), {"login": verified_learner.email, "password": "wrong"}
    )
    summary, _links = _check_summary(response, typed=[verified_learner.email])
    assert "not correct" in summary


def test_sign_up(client, db):
    response = client.post(
        reverse("account_signup"),
        {"first_name": "", "last_name": "Newcomer", "email": "nina@spoke.example"},
    )
    _summary, links = _check_summary(response, typed=["Newcomer", "nina@spoke.example"])
    assert {"id_first_name", "id_password1"} <= set(links)


def test_password_reset(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "not an address"})
    _summary, links = _check_summary(response, typed=["not an address"])
    assert links == ["id_email"]


def test_password_change(client, verified_learner):
    client.force_login(verified_learner)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "a-new-long-passphrase", "password2": "other"},
    )
    _summary, links = _check_summary(response)
    assert "id_oldpassword" in links


def test_email_change(client, verified_learner):
    client.force_login(verified_learner)
    response = client.post(reverse("account_email"), {"email": "nope@", "action_add": ""})
    _summary, links = _check_summary(response, typed=["nope@"])
    assert links == ["id_email"]


def test_reauthenticate(client, verified_learner):
    client.force_login(verified_learner)
    response = client.post(reverse("account_reauthenticate"), {"password": "wrong"})
    _summary, links = _check_summary(response)
    assert links == ["id_password"]


def test_profile(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("people:profile"), {"first_name": "", "last_name": "Kept", "time_zone": "UTC"}
    )
    _summary, links = _check_summary(response, typed=["Kept"])
    assert links == ["id_first_name"]


def test_platform_account(client, learner):
    client.force_login(learner)
    response = client.post(reverse("advocacy:platform_add"), {"platform": "", "handle": "kept-me"})
    _summary, links = _check_summary(response, typed=["kept-me"])
    assert "id_platform" in links


def test_practice_work(client, trainer):
    cohort = running_cohort(trainers=[trainer])
    task = assignment_for(cohort, platforms=[Platform.objects.get(slug="linkedin")])
    lena = member(cohort, first_name="Lena")
    client.force_login(lena)
    response = client.post(
        reverse("assessments:work", args=[cohort.pk, task.pk]),
        {"link_url": "http://x.com/a", "reflection": "My words.", "action": "submit",
         "confirm_final": "on"},
    )  # fmt: skip
    summary, links = _check_summary(response, typed=["http://x.com/a", "My words."])
    assert "id_link_url" in links
    assert "Your draft is saved" in summary


def test_trainer_review_asks_for_feedback(client, trainer):
    """ "Ask for a revision" without feedback: the summary heads the review screen."""
    cohort = running_cohort(trainers=[trainer])
    task = assignment_for(cohort)
    submission = attempt(task, cohort, member(cohort))
    client.force_login(trainer)
    response = client.post(
        reverse("assessments_admin:review", args=[submission.pk]),
        {"decision": "needs_revision", "feedback": ""},
    )
    _summary, links = _check_summary(response)
    assert links == ["id_feedback"]


def test_trainer_review_without_a_decision(client, trainer):
    cohort = running_cohort(trainers=[trainer])
    submission = attempt(assignment_for(cohort), cohort, member(cohort))
    client.force_login(trainer)
    response = client.post(
        reverse("assessments_admin:review", args=[submission.pk]), {"feedback": "Kept words"}
    )
    _summary, links = _check_summary(response, typed=["Kept words"])
    assert links == ["decision-buttons"]


def test_cohort_invite(client, trainer):
    cohort = running_cohort(trainers=[trainer])
    client.force_login(trainer)
    response = client.post(
        reverse("cohorts_admin:invite", args=[cohort.pk]),
        {"invite": "person", "person-email": "nobody@spoke.example"},
    )
    _summary, links = _check_summary(response, typed=["nobody@spoke.example"])
    assert links == ["id_person-email"]


def test_cohort_cancel(client, trainer):
    cohort = running_cohort(trainers=[trainer])
    client.force_login(trainer)
    response = client.post(reverse("cohorts_admin:cancel", args=[cohort.pk]), {"reason": "no"})
    _summary, links = _check_summary(response, typed=["no"])
    assert links == ["id_reason"]


def test_attendance(client, trainer):
    cohort = running_cohort(trainers=[trainer])
    EnrollmentFactory(cohort=cohort)
    session = cohort.sessions.order_by("number").first()
    client.force_login(trainer)
    response = client.post(reverse("cohorts_admin:attendance", args=[cohort.pk, session.pk]), {})
    summary, _links = _check_summary(response)
    assert "Mark at least one person." in summary


def test_cohort_form(client, trainer):
    cohort = running_cohort(trainers=[trainer])
    client.force_login(trainer)
    page = client.get(reverse("cohorts_admin:edit", args=[cohort.pk]))
    data = dict(page.context["schedule"].management_form.initial)
    response = client.post(
        reverse("cohorts_admin:edit", args=[cohort.pk]),
        {"name": "", "schedule-TOTAL_FORMS": "0", "schedule-INITIAL_FORMS": "0", **{
            f"schedule-{key}": value for key, value in data.items()
        }},
    )  # fmt: skip
    _summary, links = _check_summary(response)
    assert "id_name" in links


def test_level_correction(client, site_admin):
    client.force_login(site_admin)
    response = client.post(
        reverse("competencies_admin_correct"), {"email": "nobody@spoke.example", "note": "Why"}
    )
    _summary, links = _check_summary(response, typed=["nobody@spoke.example"])
    assert "id_email" in links


def test_people_import(client, site_admin):
    client.force_login(site_admin)
    response = client.post(
        reverse("people_admin_import"),
        {"step": "preview", "file": SimpleUploadedFile("a.csv", b"", "text/csv")},
    )
    _summary, links = _check_summary(response)
    assert links == ["id_file"]


def test_report_filters(client, hr):
    client.force_login(hr)
    response = client.get(reverse("reports:heatmap"), {"end": "1900-01-01"})
    summary, links = _check_summary(response, typed=["1900-01-01"])
    assert "Choose a date from 2000 on." in summary
    assert links == ["id_end"]


def test_policy_check(client, learner):
    """A wrong answer: the summary links to the question, the note says how many."""
    from tests.factories import PolicyPageFactory, policy_answers

    policy = PolicyPageFactory()
    client.force_login(learner)
    data = {"version": str(policy.versions.order_by("-number").first().pk)}
    data.update(policy_answers(policy, wrong=1))
    response = client.post(reverse("advocacy:policy_check"), data)
    summary, links = _check_summary(response)
    first = policy.questions.order_by("sort_order", "pk").first()
    assert links == [f"q{first.pk}"]
    assert "One answer needs another look" in summary


def test_roster_opt_in(client, learner):
    """Joining with no platform ticked: the summary links to the list of platforms."""
    from django.utils import timezone

    from advocacy.models import PlatformAccount, PolicyAcknowledgement
    from cms.selectors import policy_current
    from competencies.levels import Level
    from competencies.models import CompetencyStanding
    from tests.factories import CompetencyFactory, PolicyPageFactory

    core = CompetencyFactory(name="Listening", slug="listening", is_core=True)
    PolicyPageFactory()
    CompetencyStanding.objects.create(user=learner, competency=core, level=Level.PRACTISING)
    PolicyAcknowledgement.objects.create(
        user=learner, version=policy_current(), acknowledged_at=timezone.now()
    )
    PlatformAccount.objects.create(
        user=learner, platform=Platform.objects.get(slug="linkedin"), handle="@me"
    )
    client.force_login(learner)
    response = client.post(reverse("advocacy:opt_in", args=["advocate"]), {})
    summary, links = _check_summary(response)
    assert "Tick at least one platform." in summary
    assert links == ["id_advocate-platforms"]


def test_two_factor_activation(client, verified_learner, password):
    """A wrong code from the authenticator app: the summary links to the code's field."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from tests.people.test_views_mfa import open_totp_activation, wrong_code

    open_totp_activation(client, verified_learner, password)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    _summary, links = _check_summary(response)
    assert links == ["id_code"]
