"""The trainers' cohort screens, mounted under /admin/cohorts/ by ``wagtail_hooks``."""

from django.urls import path

from . import admin_views as views

app_name = "cohorts_admin"

urlpatterns = [
    path("", views.CohortIndexView.as_view(), name="index"),
    path("new/", views.CohortFormView.as_view(), name="create"),
    path("<int:pk>/", views.CohortDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CohortFormView.as_view(), name="edit"),
    path("<int:pk>/invite/", views.InviteView.as_view(), name="invite"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path(
        "<int:pk>/sessions/<int:session_pk>/attendance/",
        views.AttendanceView.as_view(),
        name="attendance",
    ),
    path(
        "<int:pk>/people/<int:enrollment_pk>/withdraw/",
        views.WithdrawView.as_view(),
        name="withdraw",
    ),
    path(
        "<int:pk>/people/<int:enrollment_pk>/promote/",
        views.PromoteView.as_view(),
        name="promote",
    ),
]
