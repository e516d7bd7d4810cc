"""A synthetic company for the benchmarks, written with bulk inserts.

``build_company(people=10_000, units=40, competencies=12)`` makes a hub with spokes (some
nested), people with managers, a year of competency evidence with standings to match,
three courses with cohorts, sessions, attendance, practice with reviews, a published
policy with acknowledgements and an advocacy roster. Everything is drawn from a seeded
generator, so every run measures the same company.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

SEED = 20261122


@dataclass
class Company:
    hub: object
    units: list
    people: list
    competencies: list
    hr: object
    manager: object


def _chunks(rows, size=2000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def build_company(*, people: int = 10_000, units: int = 40, competencies: int = 12) -> Company:
    from advocacy.models import PolicyAcknowledgement, RosterMembership, Tier
    from assessments.models import Assignment, Review, Submission
    from cms.models import HomePage, PolicyPage, PolicyVersion
    from cohorts.models import Attendance, Cohort, Enrollment, Session
    from competencies.models import Competency, CompetencyEvidence, CompetencyStanding
    from courses.models import CourseIndexPage, CoursePage
    from people.models import BusinessUnit, User
    from people.roles import HR

    rng = random.Random(SEED)
    now = timezone.now()

    hub = BusinessUnit.objects.create(name="Hub", slug="hub", kind=BusinessUnit.Kind.HUB)
    unit_rows = [hub]
    top = []
    for index in range(1, units):
        parent = hub if index <= 10 or not top else rng.choice(top)
        unit = BusinessUnit.objects.create(
            name=f"Unit {index:02d}", slug=f"unit-{index:02d}", parent=parent
        )
        if parent is hub:
            top.append(unit)
        unit_rows.append(unit)
    pace = {unit.pk: rng.uniform(0.15, 0.9) for unit in unit_rows}

    comps = Competency.objects.bulk_create(
        Competency(
            name=f"Competency {index:02d}",
            slug=f"competency-{index:02d}",
            area="Bench",
            description="Measured by the benchmark.",
            is_core=index < 5,
            is_crisis_readiness=index in (1, 5, 6),
            sort_order=index,
        )
        for index in range(competencies)
    )

    password = make_password(None)
    staff = [
        User(
            email=f"person{index:05d}@bench.example",
            first_name=f"First{index}",
            last_name=f"Last{index:05d}",
            unit=unit_rows[index % len(unit_rows)],
            role=User.Role.MANAGER if index < len(unit_rows) else User.Role.EMPLOYEE,
            password=password,
        )
        for index in range(people)
    ]
    for chunk in _chunks(staff):
        User.objects.bulk_create(chunk)
    staff = list(User.objects.filter(email__endswith="@bench.example").order_by("pk"))
    managers = {person.unit_id: person for person in staff[: len(unit_rows)]}
    for person in staff[len(unit_rows) :]:
        person.manager = managers[person.unit_id]
    for manager in staff[1 : len(unit_rows)]:
        manager.manager = staff[0]
    User.objects.bulk_update(staff, ["manager"], batch_size=2000)
    hr = User.objects.create(email="hr@bench.example", password=password, unit=hub)
    from django.contrib.auth.models import Group

    hr.groups.add(Group.objects.get(name=HR))

    evidence, standings = [], []
    for person in staff:
        chance = pace[person.unit_id]
        for competency in comps:
            level, when = 0, now - timedelta(days=rng.randint(5, 360))
            for step in (1, 2, 3, 4):
                if rng.random() > chance * (1.0, 0.9, 0.5, 0.15)[step - 1]:
                    break
                level = step
                evidence.append(
                    CompetencyEvidence(
                        user=person,
                        competency=competency,
                        level=step,
                        source_kind=CompetencyEvidence.Source.TRAINER_AWARD,
                        awarded_by=hr,
                        created_at=when,
                    )
                )
                when = min(now, when + timedelta(days=rng.randint(10, 60)))
            if level:
                standings.append(
                    CompetencyStanding(
                        user=person, competency=competency, level=level, evidence_count=level,
                        last_evidence_at=when,
                    )
                )  # fmt: skip
    for chunk in _chunks(evidence, 5000):
        CompetencyEvidence.objects.bulk_create(chunk)
    for chunk in _chunks(standings, 5000):
        CompetencyStanding.objects.bulk_create(chunk)

    home = HomePage.objects.get()
    catalogue = home.add_child(instance=CourseIndexPage(title="Courses", slug="courses"))
    courses = [
        catalogue.add_child(
            instance=CoursePage(title=f"Course {index}", slug=f"course-{index}", summary="Bench.")
        )
        for index in range(3)
    ]
    assignments = [
        Assignment.objects.create(course=course, title=f"Practice {course.pk}-{n}", after_session=n)
        for course in courses
        for n in (1, 2)
    ]
    learners = staff[len(unit_rows) :]
    rng.shuffle(learners)
    enrollments, sessions, submissions = [], [], []
    cohort_count = max(1, len(learners) // 40)
    for index in range(cohort_count):
        course = courses[index % len(courses)]
        start = now - timedelta(days=rng.randint(-30, 300))
        cohort = Cohort.objects.create(
            course=course, name=f"Cohort {index}", capacity=40, starts_at=start,
            ends_at=start + timedelta(days=28, hours=2), is_published=True,
        )  # fmt: skip
        for number in range(4):
            at = start + timedelta(days=7 * number)
            sessions.append(
                Session(cohort=cohort, number=number + 1, title=f"Session {number + 1}",
                        starts_at=at, ends_at=at + timedelta(hours=2))
            )  # fmt: skip
        for person in learners[index * 30 : index * 30 + 30]:
            enrollments.append(
                Enrollment(cohort=cohort, user=person, enrolled_at=start,
                           status=rng.choice(["enrolled", "completed", "completed"]))
            )  # fmt: skip
            for assignment in assignments:
                if assignment.course_id != course.pk or rng.random() < 0.3:
                    continue
                status = rng.choice(["submitted", "accepted", "accepted", "needs_revision"])
                submissions.append(
                    Submission(assignment=assignment, cohort=cohort, user=person, attempt=1,
                               status=status, link_url="https://www.linkedin.com/in/bench",
                               submitted_at=start + timedelta(days=8))
                )  # fmt: skip
    Session.objects.bulk_create(sessions)
    for chunk in _chunks(enrollments):
        Enrollment.objects.bulk_create(chunk)
    for chunk in _chunks(submissions):
        Submission.objects.bulk_create(chunk)
    session_by_cohort: dict = {}
    for session in Session.objects.filter(starts_at__lte=now):
        session_by_cohort.setdefault(session.cohort_id, []).append(session)
    statuses = ["present"] * 4 + ["absent"]
    marks = [
        Attendance(session=session, enrollment=enrollment, status=rng.choice(statuses))
        for enrollment in Enrollment.objects.all()
        for session in session_by_cohort.get(enrollment.cohort_id, [])
    ]
    for chunk in _chunks(marks, 5000):
        Attendance.objects.bulk_create(chunk)
    reviews = [
        Review(submission=submission, reviewer=hr,
               decision="accepted" if submission.status == "accepted" else "needs_revision")
        for submission in Submission.objects.exclude(status="submitted")
    ]  # fmt: skip
    for chunk in _chunks(reviews):
        Review.objects.bulk_create(chunk)

    policy = home.add_child(
        instance=PolicyPage(title="Policy", slug="policy", summary="Bench.", body=[])
    )
    version = PolicyVersion.objects.create(page=policy, number=1, published_at=now)
    acks = [
        PolicyAcknowledgement(user=person, version=version, acknowledged_at=now)
        for person in staff
        if rng.random() < 0.4
    ]
    for chunk in _chunks(acks):
        PolicyAcknowledgement.objects.bulk_create(chunk)
    members = [
        RosterMembership(
            user=person, tier=Tier.ADVOCATE if rng.random() < 0.85 else Tier.AMBASSADOR,
            status=RosterMembership.Status.ACTIVE, status_changed_at=now,
        )
        for person in staff
        if rng.random() < 0.15
    ]  # fmt: skip
    for chunk in _chunks(members):
        RosterMembership.objects.bulk_create(chunk)
    return Company(hub=hub, units=unit_rows, people=staff, competencies=comps, hr=hr,
                   manager=staff[0])  # fmt: skip
