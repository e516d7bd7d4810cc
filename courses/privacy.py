"""A person's lessons, courses and knowledge checks in their download and at their
erasure (see ``core.privacy``). Authored pages are Wagtail's (``people.privacy``)."""

from core.privacy import ErasedPart, PersonalDataSection, covers, iso

from .models import CourseCompletion, KnowledgeCheckAttempt, LessonCompletion

MODELS = (
    "courses.LessonCompletion",
    "courses.CourseCompletion",
    "courses.KnowledgeCheckAttempt",
)


@covers(*MODELS)
def personal_data_export(*, user) -> list[PersonalDataSection]:
    """Lessons and courses completed, and every answer to a knowledge check."""
    data = {
        "lessons_completed": [
            {"lesson": c.lesson.title, "completed": iso(c.completed_at)}
            for c in LessonCompletion.objects.filter(user=user).select_related("lesson")
        ],
        "courses_completed": [
            {"course": c.course.title, "completed": iso(c.completed_at)}
            for c in CourseCompletion.objects.filter(user=user).select_related("course")
        ],
        "knowledge_check_attempts": [
            {
                "lesson": a.lesson.title,
                "check": a.block_id,
                "answers_chosen": a.selected,
                "passed": a.passed,
                "answered": iso(a.created_at),
            }
            for a in KnowledgeCheckAttempt.objects.filter(user=user)
            .select_related("lesson")
            .order_by("created_at", "pk")
        ],
    }
    return [PersonalDataSection(name="courses", data=data)]


@covers(*MODELS)
def personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """Completions and attempts hold no words of the person (choices among given answers,
    and dates): they stay, under the pseudonym, for the activity figures."""
    return ErasedPart(
        name="courses",
        kept={
            "lesson completions": LessonCompletion.objects.filter(user=user).count(),
            "course completions": CourseCompletion.objects.filter(user=user).count(),
            "knowledge-check attempts": KnowledgeCheckAttempt.objects.filter(user=user).count(),
        },
    )
