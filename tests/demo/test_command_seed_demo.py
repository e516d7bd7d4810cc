"""manage.py seed_demo: a believable company, demo accounts, and no surprises."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.html import strip_tags

from cms.models import HomePage, Platform, SiteSettings, StandardPage
from cohorts.models import Attendance, Cohort, CourseInterest, Enrollment, Session
from competencies.models import Competency, CompetencyEvidence, CompetencyStanding
from core.models import NotificationLog
from courses.models import Audience, CourseIndexPage, CoursePage, LessonPage
from people.models import BusinessUnit, User
from people.roles import user_is_advocacy_lead, user_is_hr, user_is_site_admin, user_is_trainer

DEMO_EMAILS = [f"{name}@spoke.example" for name in
               ("learner", "manager", "trainer", "hr", "lead", "admin")]  # fmt: skip
DEMO_COURSES = {
    "Social media literacy for managers": Audience.MANAGERS,
    "Speaking for yourself online": Audience.EMPLOYEES,
    "Plan B: updating customers when things go wrong": Audience.EVERYONE,
}


def _seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _course_pages():
    """Every page of the course catalogue with its revisions and competencies."""
    pages = []
    for model in (CourseIndexPage, CoursePage, LessonPage):
        for page in model.objects.order_by("pk"):
            pages.append({
                "pk": page.pk,
                "path": page.path,
                "title": page.title,
                "live": page.live,
                "latest_revision": page.latest_revision_id,
                "live_revision": page.live_revision_id,
                "last_published_at": page.last_published_at,
                "revisions": page.revisions.count(),
                "body": list(page.body.raw_data) if model is LessonPage else None,
                "competencies": (
                    None if model is CourseIndexPage
                    else sorted(page.competencies.values_list("pk", flat=True))
                ),
            })  # fmt: skip
    return pages


def _with_pks(model, *relations):
    """Every row of ``model`` with the primary keys of its many-to-many ``relations``."""
    rows = []
    for obj in model.objects.order_by("pk"):
        row = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
        for name in relations:
            row[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        rows.append(row)
    return rows


def _snapshot():
    return {
        "users": list(User.objects.order_by("pk").values()),
        "units": list(BusinessUnit.objects.order_by("pk").values()),
        "pages": list(StandardPage.objects.order_by("pk").values("pk", "title", "live")),
        "revisions": HomePage.objects.get().revisions.count(),
        "platforms": list(Platform.objects.order_by("pk").values()),
        "competencies": list(Competency.objects.order_by("pk").values()),
        "evidence": list(CompetencyEvidence.objects.order_by("pk").values()),
        "standings": list(CompetencyStanding.objects.order_by("pk").values()),
        "course_pages": _course_pages(),
        "cohorts": _with_pks(Cohort, "trainers", "allowed_units"),
        "sessions": _with_pks(Session, "lessons"),
        "enrollments": list(Enrollment.objects.order_by("pk").values()),
        "attendance": list(Attendance.objects.order_by("pk").values()),
        "interest": list(CourseInterest.objects.order_by("pk").values()),
    }


def _lessons(course):
    return LessonPage.objects.child_of(course).order_by("path")


def _words(html: str) -> int:
    return len(strip_tags(html).split())


@pytest.mark.django_db
def test_seeds_a_company_with_hub_and_spokes():
    """A hub, at least five spokes and about sixty people with managers."""
    _seed()
    assert BusinessUnit.objects.filter(kind=BusinessUnit.Kind.HUB).count() == 1
    assert BusinessUnit.objects.filter(kind=BusinessUnit.Kind.SPOKE).count() >= 5
    assert 55 <= User.objects.count() <= 70
    assert User.objects.filter(role=User.Role.MANAGER).count() >= 5
    assert User.objects.filter(manager__isnull=False).count() >= 50
    assert not User.objects.filter(unit__isnull=True).exists()
    assert Platform.objects.count() == 9
    assert SiteSettings.objects.get().company_name == "Kestrel Rail"


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_documented_password():
    """Each demo account works with 'spoke-demo' and holds its role."""
    output = _seed()
    for email in DEMO_EMAILS:
        assert authenticate(username=email, password="spoke-demo") is not None, email
        assert email in output
    assert "spoke-demo" in output
    get = User.objects.get
    assert user_is_trainer(get(email="trainer@spoke.example"))
    assert user_is_hr(get(email="hr@spoke.example"))
    assert user_is_advocacy_lead(get(email="lead@spoke.example"))
    assert user_is_site_admin(get(email="admin@spoke.example"))
    assert get(email="manager@spoke.example").role == User.Role.MANAGER
    assert get(email="learner@spoke.example").manager.email == "manager@spoke.example"
    assert not user_is_trainer(get(email="learner@spoke.example"))


@pytest.mark.django_db
def test_other_people_cannot_log_in_until_they_set_a_password():
    """Generated staff have no usable password: they would use 'forgot password'."""
    _seed()
    others = User.objects.exclude(email__in=DEMO_EMAILS)
    assert others.exists()
    assert not any(person.has_usable_password() for person in others)


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    """The second run writes nothing: same rows, same values, no new page revisions."""
    _seed()
    before = _snapshot()
    output = _seed()
    assert _snapshot() == before
    assert "0 units, 0 people written" in output
    assert "0 pages, 0 platforms, 0 settings written" in output
    assert "competency framework: 0 competencies written" in output
    assert "a year of competency evidence: 0 evidence written" in output
    assert "courses: 0 pages written" in output
    assert (
        "cohorts: 0 cohorts, 0 sessions, 0 enrollments, 0 attendance, 0 interest written"
    ) in output
    assert (
        "advocacy roster: 0 platform accounts, 0 evidence, 0 submissions, "
        "0 acknowledgements, 0 memberships, 0 roster events written"
    ) in output
    for rows in ("cohorts", "sessions", "enrollments", "attendance"):
        assert before[rows], rows


@pytest.mark.django_db
def test_refused_in_production(settings):
    """Settings that do not allow demo content (production) make the command fail."""
    settings.SPOKE_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="Demo content is refused"):
        _seed()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_pages_are_published(client):
    """The home page and the standard pages are live and render."""
    _seed()
    assert "Learn to speak for Kestrel Rail online" in client.get("/").content.decode()
    assert client.get("/about/").status_code == 200
    assert client.get("/help/").status_code == 200


@pytest.mark.django_db
def test_seeds_a_competency_framework():
    """Eight to twelve competencies, some core, some needed on a bad day, each explained."""
    _seed()
    competencies = Competency.objects.all()
    assert 8 <= competencies.count() <= 12
    assert 3 <= competencies.filter(is_core=True).count() <= 7
    assert 2 <= competencies.filter(is_crisis_readiness=True).count() <= 4
    assert competencies.filter(is_core=False, is_crisis_readiness=False).exists()
    for competency in competencies:
        assert competency.area, competency
        assert len(competency.description.split()) >= 12, competency
    assert len({c.sort_order for c in competencies}) == competencies.count()


@pytest.mark.django_db
def test_seeds_the_three_courses_live_with_four_to_six_lessons():
    """The catalogue, and the three named courses for their audiences, all published."""
    _seed()
    index = CourseIndexPage.objects.get(slug="courses")
    assert index.live
    assert index.get_parent().specific_class is HomePage
    courses = CoursePage.objects.child_of(index)
    assert {course.title: course.audience for course in courses} == DEMO_COURSES
    for course in courses:
        assert course.live, course
        assert course.summary
        assert 3 <= len(course.outcome_list) <= 7, course
        lessons = _lessons(course)
        assert 4 <= lessons.count() <= 6, course
        for lesson in lessons:
            assert lesson.live, lesson
            assert lesson.summary, lesson
            assert 5 <= lesson.minutes <= 12, lesson
            assert lesson.live_revision_id == lesson.latest_revision_id, lesson


@pytest.mark.django_db
def test_courses_and_lessons_have_competencies_that_persist_on_the_live_pages():
    """Each course covers competencies; lessons name a subset of their course's, or none."""
    _seed()
    for course in CoursePage.objects.all():
        covered = set(course.competencies.values_list("slug", flat=True))
        assert covered, course
        published = set(
            course.live_revision.as_object().competencies.values_list("slug", flat=True)
        )
        assert published == covered, course
        for lesson in _lessons(course):
            assert set(lesson.competencies.values_list("slug", flat=True)) <= covered, lesson
    assert LessonPage.objects.filter(competencies__isnull=False).exists()


@pytest.mark.django_db
def test_every_lesson_has_real_text_and_a_valid_knowledge_check():
    """Every lesson body validates, has 250 to 500 words of text and a check with an answer."""
    _seed()
    lessons = LessonPage.objects.all()
    assert lessons.count() >= 12
    for lesson in lessons:
        stream_block = lesson.body.stream_block
        stream_block.clean(stream_block.to_python(lesson.body.get_prep_value()))
        lesson.full_clean()
        kinds = [block.block_type for block in lesson.body]
        assert not {"image", "video"} & set(kinds), lesson  # no media files in the demo
        assert "heading" in kinds, lesson
        text = sum(
            _words(block.value.source) for block in lesson.body if block.block_type == "text"
        )
        assert 250 <= text <= 500, (lesson, text)
        checks = [block.value for block in lesson.body if block.block_type == "knowledge_check"]
        assert checks, lesson
        for check in checks:
            assert 3 <= len(check["choices"]) <= 4, check["question"]
            assert any(choice["correct"] for choice in check["choices"]), check["question"]
            assert not all(choice["correct"] for choice in check["choices"]), check["question"]
            assert _words(check["explanation"].source) >= 10, check["question"]
    with_practice = [lesson for lesson in lessons if any(
        block.block_type == "try_it" for block in lesson.body)]  # fmt: skip
    assert len(with_practice) > lessons.count() / 2


@pytest.mark.django_db
def test_no_placeholder_text_anywhere():
    """No lorem ipsum in the competencies, courses or lessons."""
    _seed()
    texts = [json.dumps(list(Competency.objects.values()), default=str)]
    for page in [*CoursePage.objects.all(), *LessonPage.objects.all()]:
        texts.append(page.title)
        texts.append(page.summary)
        texts.append(getattr(page, "outcomes", ""))
        if isinstance(page, LessonPage):
            texts.append(json.dumps(page.body.get_prep_value()))
    texts.append(CourseIndexPage.objects.get().intro)
    everything = " ".join(texts).lower()
    for placeholder in ("lorem", "ipsum", "todo", "tbd", "xxx"):
        assert placeholder not in everything, placeholder


@pytest.mark.django_db
def test_every_course_and_lesson_page_renders_for_a_learner(client):
    """The catalogue and each course answer 200 to a signed-in learner; each lesson answers
    200 when released to them (the demo courses are taught in cohorts: the learner reads
    the lessons of the running cohort's past sessions) and otherwise a page that says when
    it opens or that the course is taught in cohorts. A trainer reads every lesson."""
    _seed()
    client.force_login(User.objects.get(email="learner@spoke.example"))
    for page in [CourseIndexPage.objects.get(), *CoursePage.objects.all()]:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
    readable = []
    for lesson in LessonPage.objects.order_by("path"):
        response = client.get(lesson.url)
        if response.status_code == 200:
            readable.append(lesson.slug)
            continue
        assert response.status_code == 403, lesson.url
        content = response.content.decode()
        assert (
            "This lesson opens with session" in content
            or "This course is taught in cohorts: join one to read its lessons." in content
        ), lesson.url
    assert readable == ["what-your-profile-says", "the-newspaper-test"]
    # The demo manager took the finished managers' pilot: that whole course is theirs.
    client.force_login(User.objects.get(email="manager@spoke.example"))
    managers = CoursePage.objects.get(slug="social-media-literacy-for-managers")
    for lesson in LessonPage.objects.child_of(managers):
        assert client.get(lesson.url).status_code == 200, lesson.url
    client.force_login(User.objects.get(email="trainer@spoke.example"))
    for lesson in LessonPage.objects.all():
        assert client.get(lesson.url).status_code == 200, lesson.url
    content = client.get(LessonPage.objects.get(slug="holding-statements").url).content.decode()
    assert "Say something useful, early" in content
    assert "Which of these belong in a holding statement?" in content


DEMO_COHORTS = {
    "finished": "Managers go first · pilot group",
    "running": "Speaking for yourself · support and retail",
    "scheduled": "Plan B · open group for operations and support",
    "full": "Plan B · control room evening group",
    "cancelled": "Managers go first · winter group",
}


def _cohort(state: str) -> Cohort:
    return Cohort.objects.get(name=DEMO_COHORTS[state])


@pytest.mark.django_db
def test_seeds_a_cohort_in_every_state():
    """Finished, running, scheduled (open), full and cancelled, each run by the trainer with
    three to five sessions covering its course's lessons in order."""
    _seed()
    expected = {
        "finished": Cohort.Status.FINISHED,
        "running": Cohort.Status.RUNNING,
        "scheduled": Cohort.Status.SCHEDULED,
        "full": Cohort.Status.SCHEDULED,
        "cancelled": Cohort.Status.CANCELLED,
    }
    assert {state: _cohort(state).status for state in expected} == expected
    assert _cohort("scheduled").enrollment_mode == Cohort.EnrollmentMode.OPEN
    for cohort in Cohort.objects.all():
        assert cohort.is_published, cohort
        assert [t.email for t in cohort.trainers.all()] == ["trainer@spoke.example"]
        sessions = list(cohort.sessions.order_by("number"))
        assert 3 <= len(sessions) <= 5, cohort
        assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))
        assert sessions == sorted(sessions, key=lambda s: s.starts_at)
        assert cohort.starts_at == sessions[0].starts_at
        assert cohort.ends_at == max(s.ends_at for s in sessions)
        for session in sessions:
            assert session.place or session.video_url.startswith(
                "https://meet.kestrelrail.example/"
            ), session
        covered = [lesson.pk for s in sessions for lesson in s.lessons.order_by("path")]
        assert covered == list(_lessons(cohort.course).values_list("pk", flat=True)), cohort


@pytest.mark.django_db
def test_finished_cohort_has_attendance_and_completed_enrollments():
    """Every session of the finished cohort has attendance for everyone, all completed."""
    _seed()
    cohort = _cohort("finished")
    enrollments = cohort.enrollments.all()
    assert enrollments.exists()
    assert set(enrollments.values_list("status", flat=True)) == {Enrollment.Status.COMPLETED}
    assert all(e.user.role == User.Role.MANAGER for e in enrollments)
    for session in cohort.sessions.all():
        assert session.attendance.count() == enrollments.count(), session
    assert Attendance.objects.filter(
        session__cohort=cohort, status=Attendance.Status.PRESENT
    ).exists()


@pytest.mark.django_db
def test_running_cohort_had_a_session_and_meets_again_this_week():
    """The running cohort has a past session and its next one within seven days."""
    _seed()
    cohort = _cohort("running")
    now = timezone.now()
    assert cohort.sessions.filter(ends_at__lt=now).exists()
    upcoming = cohort.sessions.filter(starts_at__gt=now).order_by("starts_at").first()
    assert upcoming is not None
    assert upcoming.starts_at - now <= timedelta(days=7)
    units = set(cohort.enrollments.values_list("user__unit__slug", flat=True))
    assert units <= {"customer-support", "retail"}


@pytest.mark.django_db
def test_full_cohort_has_a_waitlist_of_three_in_order():
    """Capacity six, six enrolled, three waiting in the order they joined."""
    _seed()
    cohort = _cohort("full")
    assert cohort.capacity == 6
    assert cohort.enrollments.filter(status__in=Enrollment.HOLDS_A_PLACE).count() == 6
    waiting = list(
        cohort.enrollments.filter(status=Enrollment.Status.WAITLISTED).order_by("waitlisted_at")
    )
    assert len(waiting) == 3
    times = [e.waitlisted_at for e in waiting]
    assert times == sorted(times)
    assert len(set(times)) == 3


@pytest.mark.django_db
def test_learner_is_enrolled_in_the_running_and_the_open_cohort():
    """learner@ sees a running cohort and an upcoming one on their dashboard."""
    _seed()
    learner = User.objects.get(email="learner@spoke.example")
    for state in ("running", "scheduled"):
        enrollment = _cohort(state).enrollments.get(user=learner)
        assert enrollment.status == Enrollment.Status.ENROLLED, state


@pytest.mark.django_db
def test_seeding_sends_no_messages(django_capture_on_commit_callbacks):
    """Demo history is not news: no e-mail, nothing queued, nothing logged as sent."""
    with django_capture_on_commit_callbacks(execute=True):  # what would follow a commit
        _seed()
    assert Cohort.objects.exists()
    assert mail.outbox == []
    assert NotificationLog.objects.count() == 0


@pytest.mark.django_db
def test_the_demo_staff_have_a_year_of_evidence_and_the_demo_accounts_none():
    """Reports need a history: units move at their own pace over the last year."""
    from demo.seeds.competencies import HISTORY_DAYS, HISTORY_NOTE

    _seed()
    history = CompetencyEvidence.objects.filter(note=HISTORY_NOTE)
    assert history.count() > 300
    assert not history.filter(user__email__in=DEMO_EMAILS).exists()
    oldest = history.order_by("created_at").first().created_at
    assert oldest < timezone.now() - timedelta(days=HISTORY_DAYS / 2)
    marketing = history.filter(user__unit__slug="marketing", level__gte=2).count()
    control_room = history.filter(user__unit__slug="control-room", level__gte=2).count()
    assert marketing > 3 * control_room


@pytest.mark.django_db
def test_every_staff_home_has_something_to_show(client):
    """The demo trainer, HR, lead and admin land on their own work, not on empty panels."""
    _seed()

    def panels(email):
        client.force_login(User.objects.get(email=email))
        response = client.get("/dashboard/")
        assert response.status_code == 200
        return {panel.key: panel for panel in response.context["panels"]}

    trainer = panels("trainer@spoke.example")
    assert trainer["trainer-cohorts"].context["rows"]
    assert trainer["review-waiting"].context["waiting"].total >= 1
    assert "my-cohorts" not in trainer
    hr = panels("hr@spoke.example")
    summary = hr["reports-summary"].context["summary"]
    assert summary.readiness_units
    assert summary.adoption_total.people > 50
    lead = panels("lead@spoke.example")
    assert lead["roster"].context["oldest_waiting"]
    admin = panels("admin@spoke.example")
    assert "admin-attention" in admin
    learner = panels("learner@spoke.example")
    assert learner["my-cohorts"].context["cards"]
    # Sales (3) and Marketing (1) asked for a Plan B cohort: the trainer sees them.
    plan_b = Cohort.objects.get(name="Plan B · open group for operations and support")
    client.force_login(User.objects.get(email="trainer@spoke.example"))
    response = client.get(f"/admin/cohorts/{plan_b.pk}/")
    assert response.context["demand"].count == 4
    _seed()
    assert CourseInterest.objects.count() == 4
