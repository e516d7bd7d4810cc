"""``/scim/v2/…``. Providers differ on slashes (a base URL typed with a trailing slash gives
``/scim/v2//Users``; some clients add one at the end), so every pattern takes them."""

from django.urls import path, re_path

from . import views

app_name = "scim"

urlpatterns = [
    path("", views.not_found, name="root"),
    re_path(r"^(?:/*)Users/?$", views.users, name="users"),
    re_path(r"^(?:/*)Users/(?P<pk>[^/]+)/?$", views.user, name="user"),
    re_path(
        r"^(?:/*)ServiceProviderConfig/?$",
        views.service_provider_config,
        name="service_provider_config",
    ),
    re_path(r"^(?:/*)Schemas/?$", views.schemas, name="schemas"),
    re_path(r"^(?:/*)Schemas/(?P<urn>[^/]+)/?$", views.schemas, name="schema"),
    re_path(r"^(?:/*)ResourceTypes/?$", views.resource_types, name="resource_types"),
    re_path(r"^(?:/*)ResourceTypes/(?P<name>[^/]+)/?$", views.resource_types, name="resource_type"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
