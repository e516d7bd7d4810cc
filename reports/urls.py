from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("adoption/", views.adoption_report, name="adoption"),
    path("activity/", views.activity_report, name="activity"),
]
