"""A person's practice in their download and at their erasure (see ``core.privacy``)."""

from pathlib import PurePosixPath

from core.personcache import person_changed
from core.privacy import ErasedPart, PersonalDataSection, PersonalFile, covers, iso

from .models import Review, Submission

MODELS = ("assessments.Submission", "assessments.Review")


@covers(*MODELS)
def personal_data_export(*, user) -> list[PersonalDataSection]:
    """Every attempt with its link, reflection and screenshot, and the review it received."""
    submissions, files, seen = [], [], set()
    for s in (
        Submission.objects.filter(user=user)
        .select_related("assignment", "cohort", "platform", "review__reviewer")
        .prefetch_related("review__criteria_met")
        .order_by("created_at", "pk")
    ):
        screenshot = None
        if s.screenshot:
            screenshot = f"screenshots/{PurePosixPath(s.screenshot.name).name}"
            if s.screenshot.name not in seen:
                seen.add(s.screenshot.name)
                files.append(
                    PersonalFile(
                        storage=s.screenshot.storage, name=s.screenshot.name, path=screenshot
                    )
                )
        review = getattr(s, "review", None)
        submissions.append(
            {
                "assignment": s.assignment.title,
                "cohort": s.cohort.name,
                "attempt": s.attempt,
                "status": s.status,
                "link": s.link_url,
                "platform": s.platform.name if s.platform_id else None,
                "reflection_html": s.reflection,
                "screenshot": f"files/{screenshot}" if screenshot else None,
                "submitted": iso(s.submitted_at),
                "due": iso(s.due_at),
                "late": s.is_late,
                "review": None
                if review is None
                else {
                    "decision": review.decision,
                    "reviewer": review.reviewer.display_name if review.reviewer_id else None,
                    "feedback": review.feedback,
                    "criteria_met": [c.description for c in review.criteria_met.all()],
                    "decided": iso(review.decided_at),
                },
            }
        )
    reviews_given = Review.objects.filter(reviewer=user).count()
    return [
        PersonalDataSection(
            name="practice",
            data={"submissions": submissions, "reviews_you_gave": reviews_given},
            files=files,
        )
    ]


@covers(*MODELS)
def personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """Links, reflections, link titles, screenshots and the feedback written to the person
    go; each attempt's status, dates and decision stay for the figures. Reviews the person
    wrote about others stay, under their pseudonym (they are the others' record)."""
    mine = Submission.objects.filter(user=user)
    names = set(mine.exclude(screenshot="").values_list("screenshot", flat=True))
    shared = set(
        Submission.objects.filter(screenshot__in=names)
        .exclude(user=user)
        .values_list("screenshot", flat=True)
    )
    storage = Submission._meta.get_field("screenshot").storage
    storage = storage() if callable(storage) else storage
    blanked = mine.update(
        link_url="",
        link_title="",
        reflection="",
        screenshot="",
        screenshot_width=None,
        screenshot_height=None,
    )
    feedback = Review.objects.filter(submission__user=user).exclude(feedback="").update(feedback="")
    person_changed(user.pk)
    return ErasedPart(
        name="practice",
        deleted={
            "screenshots": len(names - shared),
            "links and reflections": blanked,
            "review feedback": feedback,
        },
        kept={"attempts (status and dates)": blanked},
        files=[(storage, name) for name in sorted(names - shared)],
    )
