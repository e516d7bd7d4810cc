"""The policy check: read the current version and acknowledge it."""

urlpatterns: list = []
