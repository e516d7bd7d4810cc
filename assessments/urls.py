from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.practice_mine, name="mine"),
    path("<int:cohort_pk>/<int:assignment_pk>/", views.work, name="work"),
    path("submission/<int:pk>/screenshot/", views.screenshot, name="screenshot"),
    path("submission/<int:pk>/feedback/", views.feedback_open, name="feedback_open"),
]
