from django.urls import path

from . import admin_views

app_name = "people_admin"

urlpatterns = [
    path("scim-tokens/", admin_views.ScimTokenIndexView.as_view(), name="scim_tokens"),
    path(
        "scim-tokens/<int:pk>/revoke/",
        admin_views.ScimTokenRevokeView.as_view(),
        name="scim_token_revoke",
    ),
    path(
        "<int:pk>/deactivate/",
        admin_views.PersonDeactivateView.as_view(),
        name="person_deactivate",
    ),
]
