"""A person's platform accounts are written through the services: theirs only, one per
platform, and taking one off also takes it off the tiers that used it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from advocacy.models import PlatformAccount
from advocacy.services import platform_account_delete, platform_account_save
from cms.models import Platform
from tests.factories import PlatformAccountFactory, RosterMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_is_listed_and_changed():
    person = UserFactory()
    x = Platform.objects.get(slug="x")
    account = platform_account_save(user=person, platform=x, handle="@ana")
    assert (account.user, account.handle) == (person, "@ana")
    platform_account_save(user=person, platform=x, handle="@ana_g", account=account)
    account.refresh_from_db()
    assert account.handle == "@ana_g"


def test_a_second_account_on_the_same_platform_is_refused_on_the_platform():
    account = PlatformAccountFactory()
    with pytest.raises(ValidationError) as caught:
        platform_account_save(user=account.user, platform=account.platform, handle="@again")
    assert "platform" in caught.value.message_dict
    assert PlatformAccount.objects.filter(user=account.user).count() == 1


def test_nobody_changes_or_deletes_someone_elses_account():
    account = PlatformAccountFactory()
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        platform_account_save(
            user=stranger, platform=account.platform, handle="@mine", account=account
        )
    with pytest.raises(PermissionDenied):
        platform_account_delete(account=account, by=stranger)
    account.refresh_from_db()
    assert account.handle.startswith("https://")


def test_deleting_an_account_takes_it_off_the_tiers():
    account = PlatformAccountFactory()
    membership = RosterMembershipFactory(user=account.user)
    membership.platforms.add(account)
    platform_account_delete(account=account, by=account.user)
    assert not PlatformAccount.objects.filter(pk=account.pk).exists()
    assert not membership.platforms.exists()
