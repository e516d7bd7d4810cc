"""What ``courses`` announces to the apps above it (see ``core.events``)."""

# A person completed a course: every live lesson of it is done (once per person and course).
# Payload: ``user_id``, ``course_id``. Announced by ``courses.services.lesson_complete``.
COURSE_COMPLETED = "courses.course_completed"
