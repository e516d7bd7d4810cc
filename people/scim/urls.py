from django.urls import path, re_path

from . import views

app_name = "scim"

urlpatterns = [
    path("", views.not_found, name="root"),
    path("Users", views.users, name="users"),
    re_path(r"^Users/(?P<pk>[^/]+)$", views.user, name="user"),
    path("ServiceProviderConfig", views.service_provider_config, name="service_provider_config"),
    path("Schemas", views.schemas, name="schemas"),
    re_path(r"^Schemas/(?P<urn>[^/]+)$", views.schemas, name="schema"),
    path("ResourceTypes", views.resource_types, name="resource_types"),
    re_path(r"^ResourceTypes/(?P<name>[^/]+)$", views.resource_types, name="resource_type"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
