"""A person's cohorts in their download and at their erasure (see ``core.privacy``)."""

from core.privacy import ErasedPart, PersonalDataSection, covers, iso

from .models import Attendance, CalendarFeed, Cohort, CourseInterest, Enrollment

MODELS = (
    "cohorts.Enrollment",
    "cohorts.Attendance",
    "cohorts.CalendarFeed",
    "cohorts.Cohort",
    "cohorts.Cohort_trainers",
    "cohorts.CourseInterest",
)


@covers(*MODELS)
def personal_data_export(*, user) -> list[PersonalDataSection]:
    """Enrollments with their attendance, the cohorts they train, their calendar feed."""
    attendance: dict[int, list] = {}
    for mark in (
        Attendance.objects.filter(enrollment__user=user)
        .select_related("session")
        .order_by("session__starts_at")
    ):
        attendance.setdefault(mark.enrollment_id, []).append(
            {
                "session": mark.session.title,
                "starts": iso(mark.session.starts_at),
                "status": mark.status,
            }
        )
    enrollments = [
        {
            "cohort": e.cohort.name,
            "course": e.cohort.course.title,
            "status": e.status,
            "invited_by": e.invited_by.display_name if e.invited_by_id else None,
            "waitlisted": iso(e.waitlisted_at),
            "enrolled": iso(e.enrolled_at),
            "withdrawn": iso(e.withdrawn_at),
            "created": iso(e.created_at),
            "attendance": attendance.get(e.pk, []),
        }
        for e in Enrollment.objects.filter(user=user).select_related("cohort__course", "invited_by")
    ]
    data = {
        "enrollments": enrollments,
        "cohorts_you_train": list(
            Cohort.objects.filter(trainers=user).values_list("name", flat=True)
        ),
        "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
        "courses_you_asked_to_hear_about": [
            {"course": interest.course.title, "asked": iso(interest.created_at)}
            for interest in CourseInterest.objects.filter(user=user)
            .select_related("course")
            .order_by("created_at")
        ],
    }
    return [PersonalDataSection(name="cohorts", data=data)]


@covers(*MODELS)
def personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """The private calendar feed and the interest in courses go; enrollments and attendance
    stay for the figures, and so does the person among a cohort's trainers (history of who
    ran it)."""
    feeds = CalendarFeed.objects.filter(user=user).delete()[0]
    interests = CourseInterest.objects.filter(user=user).delete()[0]
    deleted = {"calendar feeds": feeds, "interest in courses": interests}
    return ErasedPart(
        name="cohorts",
        deleted={kind: n for kind, n in deleted.items() if n},
        kept={
            "enrollments": Enrollment.objects.filter(user=user).count(),
            "attendance": Attendance.objects.filter(enrollment__user=user).count(),
        },
    )
