"""The trainers' practice screens, mounted under /admin/practice/ by ``wagtail_hooks``."""

from django.urls import path

from . import admin_views as views

app_name = "assessments_admin"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("cohort/<int:cohort_pk>/", views.GridView.as_view(), name="grid"),
    path("cohort/<int:cohort_pk>/dates/", views.DatesView.as_view(), name="dates"),
]
