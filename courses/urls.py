from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path(
        "lessons/<int:lesson_id>/complete/",
        views.lesson_complete_view,
        name="lesson_complete",
    ),
    path(
        "lessons/<int:lesson_id>/checks/<str:block_id>/",
        views.knowledge_check_answer_view,
        name="knowledge_check_answer",
    ),
]
