from django.urls import path, re_path

from . import views

app_name = "people_sso"

# Included at /accounts/, ahead of allauth's own addresses.
urlpatterns = [
    path("sso/start/", views.sign_in_start, name="start"),
    # allauth's second SAML step, answering an unreadable response with its error page.
    re_path(
        r"^saml/(?P<organization_slug>[^/]+)/acs/finish/$",
        views.saml_finish_acs,
        name="saml_finish_acs",
    ),
]
