"""A person's report exports in their download and at their erasure (see ``core.privacy``)."""

from core.privacy import ErasedPart, PersonalDataSection, covers, iso

from .models import ReportExport

MODELS = ("reports.ReportExport",)


@covers(*MODELS)
def personal_data_export(*, user) -> list[PersonalDataSection]:
    """The report files the person asked for (what and when; the files hold others' data
    and are not copied)."""
    data = [
        {"report": e.report, "format": e.format, "filters": e.params, "asked": iso(e.created_at)}
        for e in ReportExport.objects.filter(owner=user).order_by("created_at")
    ]
    return [PersonalDataSection(name="reports", data={"exports_you_asked_for": data})]


@covers(*MODELS)
def personal_data_erase(*, user, pseudonym: str) -> ErasedPart:
    """Their exports go, with the files (which hold other people's data)."""
    exports = ReportExport.objects.filter(owner=user)
    storage = ReportExport._meta.get_field("file").storage
    files = [(storage, name) for name in exports.exclude(file="").values_list("file", flat=True)]
    count = exports.delete()[0]
    return ErasedPart(
        name="reports", deleted={"report exports": count} if count else {}, files=files
    )
