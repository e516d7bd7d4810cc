"""Membership pages for everyone, the roster and approvals for leads and HR."""

urlpatterns: list = []
