"""The policy check: read the current version and acknowledge it."""

from django.urls import path

from . import views_policy

urlpatterns: list = [
    path("policy/", views_policy.policy_check, name="policy_check"),
]
