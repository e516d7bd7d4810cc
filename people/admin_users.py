"""The Wagtail admin's user screens, with the fields Spoke adds to a person."""

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView, UserViewSet

from .services import person_admin_edit_save

PERSON_FIELDS = {"unit", "role", "manager", "time_zone"}


class PersonCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PERSON_FIELDS


class PersonEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PERSON_FIELDS


class PersonEditView(EditView):
    """Wagtail's user edit, saved through our service so that a change of unit or of the
    active flag is announced like every other event (see ``core.events``)."""

    def save_instance(self):
        return person_admin_edit_save(
            user=self.object, save=super().save_instance, by=self.request.user
        )


class PersonViewSet(UserViewSet):
    edit_view_class = PersonEditView
    create_template_name = "people/admin/user_create.html"
    edit_template_name = "people/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
