"""Each person's data: their download (a ZIP of JSON and files, built in the background)
and their erasure by a site admin. What every app holds comes through the two points of
``core.privacy``; this module collects them, and answers itself for the account: the
person's row, allauth's addresses, two-factor devices and social accounts, sessions,
Wagtail's and Django's admin records, and the send log. ``docs/privacy.md`` says what is
kept, for how long and why.

Why in the background: a person with years of practice has screenshots worth tens of MB;
a worker builds the file (in-process when there is no Redis, so it is ready at once), the
person is e-mailed a link, and the profile page shows it. The link is signed (it names the
file and the person, and stops working when the file expires) and still only opens for
that person, signed in.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.files import storage_file_delete, storage_orphans_delete
from core.models import NotificationLog
from core.privacy import (
    PERSONAL_DATA_ERASERS,
    PERSONAL_DATA_EXPORTERS,
    ErasedPart,
    PersonalDataSection,
    PersonalFile,
    covers,
    iso,
)
from core.tasks import notify_after_commit

from .audit import PERSON_ERASED, PERSONAL_DATA_EXPORTED
from .models import PERSONAL_DATA_FOLDER, PersonalDataExport, User

logger = logging.getLogger(__name__)

KEPT_FOR = timedelta(days=7)
# At most this many copies asked for in a day, and never a second while one is being built.
REQUESTS_PER_DAY = 3
SIGNING_SALT = "people.personal-data"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never delivered
ERASED_NAME = "Erased person"


class ExportRateLimited(ValidationError):
    """The person asked for too many copies lately."""


class ErasureRefused(ValidationError):
    """This person may not be erased (a site admin, already erased); the message says why."""


# --- The download -------------------------------------------------------------------------


def personal_data_export_request(*, user, now: datetime) -> PersonalDataExport:
    """Queue a copy of ``user``'s data for them; ``ExportRateLimited`` when they asked too
    often (one at a time, ``REQUESTS_PER_DAY`` a day)."""
    if not getattr(user, "is_authenticated", False) or user.erased_at is not None:
        raise PermissionDenied
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
        recent = PersonalDataExport.objects.filter(owner=user, created_at__gte=now - timedelta(1))
        busy = PersonalDataExport.Status.PENDING, PersonalDataExport.Status.RUNNING
        if recent.filter(status__in=busy).exists():
            raise ExportRateLimited(
                _("Your copy is being prepared: we will e-mail you when it is ready."),
                code="busy",
            )
        if recent.count() >= REQUESTS_PER_DAY:
            raise ExportRateLimited(
                _("You asked for %(count)d copies in the last day: please try again tomorrow.")
                % {"count": REQUESTS_PER_DAY},
                code="rate",
            )
        export = PersonalDataExport.objects.create(owner=user)
        audit_log(
            instance=user, action=PERSONAL_DATA_EXPORTED.name, by=user, data={"export": export.pk}
        )
        from .tasks import personal_data_export_build_task

        personal_data_export_build_task.delay_on_commit(export.pk)
    return export


def personal_data_sections(*, user) -> list[PersonalDataSection]:
    """Every app's part of ``user``'s data, in registration order."""
    return PERSONAL_DATA_EXPORTERS.collect(user=user)


def _write_zip(handle, *, user, sections: list[PersonalDataSection], now: datetime) -> None:
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        contents = []
        for section in sections:
            archive.writestr(
                f"{section.name}.json",
                json.dumps(section.data, indent=2, ensure_ascii=False, default=str),
            )
            contents.append({"file": f"{section.name}.json", "files": len(section.files)})
            for item in section.files:
                try:
                    with (
                        item.storage.open(item.name, "rb") as source,
                        archive.open(f"files/{item.path}", "w") as target,
                    ):
                        while chunk := source.read(1024 * 1024):
                            target.write(chunk)
                except OSError:
                    logger.warning("personal data %s: file %s is missing", user.pk, item.name)
        about = {
            "about": _("Everything Spoke holds about you, as of the time below."),
            "person": user.email,
            "built_at": iso(now),
            "contents": contents,
        }
        archive.writestr("README.json", json.dumps(about, indent=2, ensure_ascii=False))


def personal_data_export_build(*, export_id: int, now: datetime) -> PersonalDataExport | None:
    """Build one queued copy and e-mail its owner a link. Safe to run twice."""
    with transaction.atomic():
        export = PersonalDataExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != PersonalDataExport.Status.PENDING:
            return export
        export.status = PersonalDataExport.Status.RUNNING
        export.save(update_fields=["status", "updated_at"])
    user = export.owner
    try:
        with tempfile.TemporaryFile() as handle:
            _write_zip(handle, user=user, sections=personal_data_sections(user=user), now=now)
            export.size = handle.tell()
            handle.seek(0)
            export.file.save(f"spoke-data-{now:%Y-%m-%d}.zip", File(handle), save=False)
    except Exception:
        logger.exception("personal data export %s failed", export.pk)
        export.status = PersonalDataExport.Status.FAILED
        export.finished_at = now
        export.save(update_fields=["status", "finished_at", "updated_at"])
        return export
    export.status = PersonalDataExport.Status.DONE
    export.finished_at = now
    export.expires_at = now + KEPT_FOR
    export.save()
    notify_after_commit(
        user_id=user.pk,
        key=f"personal-data-ready:{export.pk}",
        template="people/email/personal_data_ready",
        context={
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + personal_data_download_path(export),
            "expires_at": iso(export.expires_at),
        },
        on_commit=False,
    )
    return export


def personal_data_download_path(export: PersonalDataExport) -> str:
    """The private address of a finished copy: signed, for its owner only."""
    token = signing.TimestampSigner(salt=SIGNING_SALT).sign(f"{export.pk}.{export.owner_id}")
    return reverse("people:personal_data_download", args=[token])


class LinkExpired(Exception):
    """A genuine download link older than the copy's keeping time."""


def personal_data_export_from_token(*, token: str, user) -> PersonalDataExport | None:
    """The copy a download link names, if it is ``user``'s and the link is genuine;
    ``None`` otherwise (tampered, another person's); ``LinkExpired`` when it is genuine but
    older than the copy's keeping time."""
    try:
        value = signing.TimestampSigner(salt=SIGNING_SALT).unsign(
            token, max_age=KEPT_FOR.total_seconds()
        )
        export_id, owner_id = (int(part) for part in value.split("."))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError):
        return None
    if owner_id != user.pk:
        return None
    return PersonalDataExport.objects.filter(pk=export_id, owner=user).first()


def personal_data_exports_expired_delete(*, now: datetime) -> int:
    """Delete expired copies and their files, then files under ``personal-data/`` no row
    names (a crashed build); returns how many copies were deleted."""
    expired = list(PersonalDataExport.objects.filter(expires_at__lte=now))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    storage_orphans_delete(
        storage=PersonalDataExport._meta.get_field("file").storage,
        folder=PERSONAL_DATA_FOLDER,
        referenced=lambda batch: PersonalDataExport.objects.filter(file__in=batch).values_list(
            "file", flat=True
        ),
        older_than=now - timedelta(hours=settings.SPOKE_PRIVATE_ORPHAN_GRACE_HOURS),
    )
    return len(expired)


# --- Erasure ------------------------------------------------------------------------------


@dataclass
class ErasureResult:
    """What an erasure did: the pseudonym, each app's counts, and the files deleted."""

    pseudonym: str
    reference: str
    parts: list[ErasedPart] = field(default_factory=list)
    files_deleted: int = 0
    files_missing: int = 0


def person_erasure_check(*, person) -> None:
    """Raise ``ErasureRefused`` when ``person`` may not be erased."""
    if person.erased_at is not None:
        raise ErasureRefused(_("This person was erased already."), code="erased")
    if person.is_superuser:
        raise ErasureRefused(
            _(
                "Site admins cannot be erased: take away their site admin rights first "
                "(and keep at least one site admin)."
            ),
            code="site_admin",
        )


def person_erase(*, person, by, now: datetime, via: str = "admin") -> ErasureResult:
    """Erase ``person``: every app deletes or blanks what is personal and keeps, under a
    pseudonym, the rows that figures and history need; files go once this commits. ``by``
    is the site admin (``None`` for the command). Refuses site admins and people already
    erased (``ErasureRefused``); ``PermissionDenied`` when ``by`` is not a site admin."""
    from .roles import user_is_site_admin

    if by is not None and not user_is_site_admin(by):
        raise PermissionDenied
    reference = secrets.token_hex(8)
    pseudonym = f"{ERASED_NAME} {reference[:4]}"
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        person_erasure_check(person=person)
        parts = PERSONAL_DATA_ERASERS.collect(user=person, pseudonym=pseudonym)
        _pseudonymise(person, reference=reference, now=now)
        audit_log(
            instance=person,
            action=PERSON_ERASED.name,
            by=by,
            data={
                "pseudonym": pseudonym,
                "reference": reference,
                "via": via,
                "deleted": _totals(parts, "deleted"),
                "kept": _totals(parts, "kept"),
            },
        )
    result = ErasureResult(pseudonym=pseudonym, reference=reference, parts=parts)
    for part in parts:
        for storage, name in part.files:
            if storage_file_delete(storage=storage, name=name):
                result.files_deleted += 1
            elif storage.exists(name):
                logger.error("erasure %s: could not delete %s", reference, name)
            else:
                result.files_missing += 1
    return result


def _totals(parts: list[ErasedPart], what: str) -> dict[str, int]:
    totals: dict[str, int] = {}
    for part in parts:
        for kind, count in getattr(part, what).items():
            totals[kind] = totals.get(kind, 0) + count
    return totals


# --- The account's own part ---------------------------------------------------------------

ACCOUNT_MODELS = (
    "people.User",
    "people.User_groups",
    "people.User_user_permissions",
    "people.PersonalDataExport",
    "core.NotificationLog",
    "account.EmailAddress",
    "mfa.Authenticator",
    "socialaccount.SocialAccount",
    "admin.LogEntry",
    "wagtailusers.UserProfile",
    "wagtailadmin.EditingSession",
    "wagtailadmin.FormState",
    "wagtailcore.APIToken",
    "wagtailcore.ModelLogEntry",
    "wagtailcore.PageLogEntry",
    "wagtailcore.Revision",
    "wagtailcore.UploadedFile",
    "wagtailcore.WorkflowState",
    "wagtailcore.TaskState",
    "wagtailcore.Page",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
    "wagtailcore.PageSubscription",
    "wagtailimages.Image",
    "wagtaildocs.Document",
)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:  # an app that is not installed here (social accounts)
        return None


def _user_log_entries(user):
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )


@covers(*ACCOUNT_MODELS)
def account_personal_data_export(*, user) -> list[PersonalDataSection]:
    """The account: profile, addresses, sign-in methods, roles, admin records about the
    person and what they did in the admin, messages sent."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from wagtail.models import ModelLogEntry, PageLogEntry
    from wagtail.users.models import UserProfile

    profile = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "business_unit": user.unit.name if user.unit_id else None,
        "role": user.role,
        "manager": user.manager.display_name if user.manager_id else None,
        "time_zone": user.time_zone,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "site_admin": user.is_superuser,
        "active": user.is_active,
        "joined": iso(user.date_joined),
        "last_sign_in": iso(user.last_login),
    }
    files = []
    wagtail_profile = UserProfile.objects.filter(user=user).first()
    if wagtail_profile is not None:
        profile["admin_preferences"] = {
            "language": wagtail_profile.preferred_language,
            "time_zone": wagtail_profile.current_time_zone,
        }
        if wagtail_profile.avatar:
            name = wagtail_profile.avatar.name
            files.append(
                PersonalFile(
                    storage=wagtail_profile.avatar.storage,
                    name=name,
                    path=f"account/avatar{_suffix(name)}",
                )
            )
    social = _model("socialaccount.SocialAccount")
    sign_in = {
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "two_factor": [
            {"type": a.type, "created": iso(a.created_at), "last_used": iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user)
        ],
        "single_sign_on": [
            {"provider": a.provider, "uid": a.uid, "joined": iso(a.date_joined)}
            for a in (social.objects.filter(user=user) if social else [])
        ],
    }
    records = {
        "about_you": [
            {"when": iso(e.timestamp), "action": e.action, "data": e.data}
            for e in _user_log_entries(user).order_by("timestamp")
        ],
        "your_actions_in_the_admin": [
            {"when": iso(e.timestamp), "action": e.action, "object": e.label}
            for model in (ModelLogEntry, PageLogEntry)
            for e in model.objects.filter(user=user).order_by("timestamp")
        ],
        "messages_sent_to_you": [
            {"when": iso(sent), "message": template}
            for template, sent in NotificationLog.objects.filter(user=user)
            .order_by("sent_at")
            .values_list("template", "sent_at")
        ],
    }
    return [
        PersonalDataSection(name="account/profile", data=profile, files=files),
        PersonalDataSection(name="account/sign_in", data=sign_in),
        PersonalDataSection(name="account/records", data=records),
    ]


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > name.rfind("/") else ""


@covers(*ACCOUNT_MODELS)
def account_personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """The account: the row stays (everything else points at it) under the pseudonym,
    with its unit, role, manager and active flag so that figures stay true; every way in
    goes (password, addresses, two-factor, social accounts, sessions)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import LogEntry
    from wagtail.models import Page, PageSubscription, UploadedFile
    from wagtail.users.models import UserProfile

    part = ErasedPart(name="account")
    files = part.files

    def deleted(kind: str, queryset) -> None:
        count = queryset.delete()[0]
        if count:
            part.deleted[kind] = part.deleted.get(kind, 0) + count

    deleted("e-mail addresses", EmailAddress.objects.filter(user=user))
    deleted("two-factor devices", Authenticator.objects.filter(user=user))
    social = _model("socialaccount.SocialAccount")
    if social is not None:
        deleted("single sign-on accounts", social.objects.filter(user=user))
    for profile in UserProfile.objects.filter(user=user):
        if profile.avatar:
            files.append((profile.avatar.storage, profile.avatar.name))
    deleted("admin preferences", UserProfile.objects.filter(user=user))
    for export in PersonalDataExport.objects.filter(owner=user).exclude(file=""):
        files.append((export.file.storage, export.file.name))
    deleted("copies of their data", PersonalDataExport.objects.filter(owner=user))
    for upload in UploadedFile.objects.filter(uploaded_by_user=user):
        if upload.file:
            files.append((upload.file.storage, upload.file.name))
    deleted("unfinished uploads", UploadedFile.objects.filter(uploaded_by_user=user))
    deleted("page subscriptions", PageSubscription.objects.filter(user=user))
    for label in ("wagtailadmin.EditingSession", "wagtailadmin.FormState", "wagtailcore.APIToken"):
        model = _model(label)
        if model is not None:
            deleted(model._meta.verbose_name_plural, model.objects.filter(user=user))
    Page.objects.filter(locked_by=user).update(locked=False, locked_by=None, locked_at=None)
    deleted("sessions", Session.objects.filter(session_key__in=_session_keys(user)))

    # What the admins recorded about the person names them: the titles become the pseudonym.
    part.kept["admin records about them"] = _user_log_entries(user).update(label=pseudonym)
    part.kept["admin records about them"] += LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=pseudonym)
    part.kept["messages sent"] = NotificationLog.objects.filter(user=user).count()
    part.kept["person (under a pseudonym)"] = 1
    return part


def _pseudonymise(user, *, reference: str, now: datetime) -> None:
    """The person's own row: no name, address, password, roles or preferences; what the
    figures read (unit, role, manager, active flag, when they joined) stays."""
    user.groups.clear()
    user.user_permissions.clear()
    user.first_name, user.last_name = ERASED_NAME, reference[:4]
    user.email = f"erased-{reference}@{ERASED_DOMAIN}"
    user.set_unusable_password()
    user.time_zone = "UTC"
    user.is_staff = False
    user.last_login = None
    user.erased_at = now
    user.save()


def _session_keys(user) -> list[str]:
    """The keys of the sessions signed in as ``user`` (read in batches; sessions hold the
    id only inside their encoded data)."""
    keys = []
    for session in Session.objects.only("session_key", "session_data").iterator(chunk_size=500):
        try:
            data = session.get_decoded()
        except Exception:  # noqa: S112 - a session that cannot be read is nobody's
            continue
        if str(data.get("_auth_user_id")) == str(user.pk):
            keys.append(session.session_key)
    return keys


def person_by_email(email: str):
    return get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
