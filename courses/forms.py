"""Forms that read what people send to the course pages."""

from dataclasses import dataclass, field

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.models import Competency

from .models import Audience

QUERY_MAX_LENGTH = 200


@dataclass(frozen=True)
class CatalogueFilters:
    """The filters the catalogue applies, after anything it did not understand is dropped."""

    audience: str = ""
    competency: Competency | None = None
    query: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.audience or self.competency or self.query)


class CatalogueFilterForm(forms.Form):
    """The catalogue's search and filters, read from the query string.

    A value the catalogue does not know (an old bookmark, a hand-edited address) is not an
    error page: :meth:`filters` drops it and says so in a note.
    """

    q = forms.CharField(
        label=gettext_lazy("Search"), required=False, max_length=QUERY_MAX_LENGTH, strip=True
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Audience"),
        required=False,
        choices=[
            ("", gettext_lazy("All audiences")),
            (Audience.MANAGERS, gettext_lazy("For managers")),
            (Audience.EMPLOYEES, gettext_lazy("For employees")),
            (Audience.EVERYONE, gettext_lazy("For everyone")),
        ],
        help_text=gettext_lazy("Courses for everyone are listed for managers and employees too."),
    )
    competency = forms.ChoiceField(label=gettext_lazy("Competency"), required=False)

    def __init__(self, data=None, *, competencies, **kwargs):
        kwargs.setdefault("auto_id", "catalogue-%s")
        super().__init__(data, **kwargs)
        self._competencies = {competency.slug: competency for competency in competencies}
        self.fields["competency"].choices = [
            ("", _("All competencies")),
            *((competency.slug, competency.name) for competency in competencies),
        ]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["autocomplete"] = "off"

    def filters(self) -> CatalogueFilters:
        """The filters to apply; unknown values are left out, with a note for each."""
        if not self.is_bound:
            return CatalogueFilters()
        self.is_valid()
        cleaned = self.cleaned_data
        notes = []
        if "audience" in self.errors:
            notes.append(
                _("“%(value)s” is not an audience we know, so every audience is shown.")
                % {"value": self._raw("audience")}
            )
        if "competency" in self.errors:
            notes.append(
                _("No course covers a competency called “%(value)s”, so that filter is not used.")
                % {"value": self._raw("competency")}
            )
        if "q" in self.errors:
            notes.append(
                _("The search was longer than %(max)d characters, so it is not used.")
                % {"max": QUERY_MAX_LENGTH}
            )
        return CatalogueFilters(
            audience=cleaned.get("audience", ""),
            competency=self._competencies.get(cleaned.get("competency", "")),
            query=cleaned.get("q", ""),
            notes=notes,
        )

    def _raw(self, name: str) -> str:
        return Truncator(str(self.data.get(name, ""))).chars(40)
