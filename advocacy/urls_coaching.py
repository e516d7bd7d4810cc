"""Ambassadors who coach, under /roster/coaching/ (see ``views_coaching``)."""

from django.urls import path

from . import views_coaching

app_name = "coaching"

urlpatterns: list = [
    path("", views_coaching.coaching_home, name="home"),
    path("cohort/<int:pk>/", views_coaching.coaching_cohort, name="cohort"),
    path("cohort/<int:pk>/coaches/", views_coaching.coaching_coaches, name="coaches"),
    path(
        "cohort/<int:pk>/coaches/<int:user_pk>/remove/",
        views_coaching.coaching_coach_remove,
        name="remove",
    ),
    path("work/<int:pk>/", views_coaching.coaching_work, name="work"),
    path("feedback/<int:pk>/endorse/", views_coaching.coaching_endorse, name="endorse"),
]
