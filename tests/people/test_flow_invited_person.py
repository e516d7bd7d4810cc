"""An imported (invited) person gets in through "forgot password", even invitation-only."""

import re
from http import HTTPStatus

from django.core import mail
from django.urls import reverse

from people.services import people_import_csv

CSV = b"email,name,unit,role,manager_email,time_zone\nnew.hire@spoke.example,New Hire,,,,\n"


def test_imported_person_sets_a_password_and_logs_in(client, db, settings):
    """Import, reset-password mail, new password, log in: lands on the dashboard."""
    settings.SPOKE_ALLOWED_EMAIL_DOMAINS = []  # invitation only
    assert people_import_csv(file=CSV).ok

    client.post(reverse("account_reset_password"), {"email": "new.hire@spoke.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = link.group(0).split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    response = client.post(
        action, {"password1": "a-fresh-long-passphrase", "password2": "a-fresh-long-passphrase"}
    )
    assert response.status_code == HTTPStatus.FOUND

    response = client.post(
        reverse("account_login"),
        {"login": "new.hire@spoke.example", "password": "a-fresh-long-passphrase"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Hello, New Hire" in response.content.decode()
