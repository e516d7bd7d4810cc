from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("cohort/<int:pk>/", views.cohort_detail, name="detail"),
    path("cohort/<int:pk>/enrol/", views.cohort_enrol, name="enrol"),
    path("cohort/<int:pk>/accept/", views.cohort_accept, name="accept"),
    path("cohort/<int:pk>/withdraw/", views.cohort_withdraw, name="withdraw"),
    path("cohort/<int:pk>/calendar.ics", views.cohort_calendar_download, name="calendar_ics"),
    path("course/<int:course_pk>/interest/", views.course_interest, name="interest"),
    path("calendar/", views.calendar_feed_page, name="calendar"),
    path("calendar/reset/", views.calendar_feed_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.personal_feed, name="feed"),
]
