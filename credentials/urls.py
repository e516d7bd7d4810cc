from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("issuer.json", views.issuer, name="issuer"),
    path("status/<int:number>", views.status_list, name="status_list"),
    path("status/<int:number>.json", views.status_list_json, name="status_list_json"),
    path("achievements/<slug:slug>", views.achievement, name="achievement"),
    path("c/<str:token>/", views.certificate, name="certificate"),
    path("c/<str:token>/credential.json", views.credential_json, name="json"),
    path("c/<str:token>/credential.jwt", views.credential_jwt, name="jwt"),
    path("c/<str:token>/visibility", views.toggle_hidden, name="toggle_hidden"),
]
