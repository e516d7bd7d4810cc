from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("heatmap/people/", views.heatmap_people, name="heatmap_people"),
    path("adoption/", views.adoption_report, name="adoption"),
    path("readiness/", views.readiness_report, name="readiness"),
    path("hub-and-spoke/", views.hub_and_spoke_report, name="hub_and_spoke"),
    path("activity/", views.activity_report, name="activity"),
    path("team/", views.team, name="team"),
    path("people/<int:pk>/", views.person, name="person"),
    path("exports/", views.exports_mine, name="exports"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
