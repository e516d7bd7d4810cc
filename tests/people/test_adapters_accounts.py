"""The account adapter's rules on their own: which e-mail domains may join Spoke."""

import pytest
from django.core.exceptions import ValidationError

from people.adapters import AccountAdapter, allowed_email_domains_display, email_domain_allowed


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("lena@spoke.example", True),
        ("Lena@SPOKE.Example", True),
        ("lena@sub.spoke.example", False),
        ("lena@notspoke.example", False),
        ("lena@spoke.example.evil.example", False),
        ("spoke.example", False),
        ("", False),
    ],
)
def test_email_domain_allowed_matches_whole_domains(email, allowed):
    """Only an exact allowed domain counts, whatever its capitals; look-alikes do not."""
    assert email_domain_allowed(email) is allowed


def test_allowed_domains_display_lists_every_domain(settings):
    """The domains are shown as people type them, with the @."""
    settings.SPOKE_ALLOWED_EMAIL_DOMAINS = ["spoke.example", "spoke-group.example"]

    assert allowed_email_domains_display() == "@spoke.example, @spoke-group.example"


def test_signup_is_open_only_with_allowed_domains(settings, rf):
    """Sign-up is open while domains are configured and closed (invitations) without."""
    adapter = AccountAdapter()
    assert adapter.is_open_for_signup(rf.get("/")) is True

    settings.SPOKE_ALLOWED_EMAIL_DOMAINS = []
    assert adapter.is_open_for_signup(rf.get("/")) is False


def test_clean_email_lower_cases_allowed_addresses():
    """An allowed address comes back trimmed and lower-cased."""
    assert AccountAdapter().clean_email(" Lena@Spoke.Example ") == "lena@spoke.example"


def test_clean_email_refuses_other_domains_naming_the_allowed_ones():
    """An address in another domain is refused with a message naming the allowed ones."""
    with pytest.raises(ValidationError) as caught:
        AccountAdapter().clean_email("lena@elsewhere.example")

    assert caught.value.code == "email_domain_not_allowed"
    assert "@spoke.example" in caught.value.messages[0]


def test_clean_email_accepts_any_domain_when_invitation_only(settings):
    """With no domains configured there is nothing to compare an added address with."""
    settings.SPOKE_ALLOWED_EMAIL_DOMAINS = []

    assert AccountAdapter().clean_email("coach@partner.example") == "coach@partner.example"
