from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("me/", views.profile_edit, name="profile"),
    path("me/data/", views.personal_data_request, name="personal_data_request"),
    path("me/data/<str:token>/", views.personal_data_download, name="personal_data_download"),
]
