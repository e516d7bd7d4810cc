"""The roster's pages, under /roster/: the policy check and the person's own pages
(``urls_policy``), the roster itself for leads and HR (``urls_roster``)."""

from . import urls_policy, urls_roster

app_name = "advocacy"

urlpatterns = [*urls_policy.urlpatterns, *urls_roster.urlpatterns]
