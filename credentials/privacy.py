"""A person's credentials in their download and at their erasure (see ``core.privacy``)."""

from django.utils import timezone

from core.personcache import person_changed
from core.privacy import ErasedPart, PersonalDataSection, covers, iso

from .models import Credential
from .services import credential_revoke

MODELS = ("credentials.Credential",)
ERASED_REASON = "The holder's data was erased."


@covers(*MODELS)
def personal_data_export(*, user) -> list[PersonalDataSection]:
    """Every credential issued to the person, with its signed Open Badges document."""
    data = [
        {
            "name": c.name,
            "kind": c.kind,
            "holder_name": c.holder_name,
            "issued": iso(c.issued_at),
            "revoked": iso(c.revoked_at),
            "why_revoked": c.revocation_reason,
            "hidden": c.hidden,
            "open_badges_credential": c.document,
            "vc_jwt": c.jwt,
        }
        for c in Credential.objects.filter(user=user).order_by("issued_at", "pk")
    ]
    return [PersonalDataSection(name="credentials", data={"credentials": data})]


@covers(*MODELS)
def personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """Each credential is revoked (its bit on the status list stays set, so a copy anyone
    kept no longer verifies) and hidden; the signed document, which names the person, goes.
    The row stays, holding the pseudonym, so the status list keeps its place."""
    now = timezone.now()
    credentials = list(Credential.objects.filter(user=user))
    for credential in credentials:
        credential_revoke(credential=credential, reason=ERASED_REASON, now=now)
    blanked = Credential.objects.filter(user=user).update(
        holder_name=pseudonym, document={}, jwt="", hidden=True, updated_at=now
    )
    person_changed(user.pk)
    return ErasedPart(
        name="credentials",
        deleted={"signed credentials": blanked} if blanked else {},
        kept={"credentials (revoked, under a pseudonym)": blanked},
    )
