"""The Wagtail admin's user screens, with the fields Spoke adds to a person."""

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

PERSON_FIELDS = {"unit", "role", "manager", "time_zone"}


class PersonCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | PERSON_FIELDS


class PersonEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | PERSON_FIELDS


class PersonViewSet(UserViewSet):
    create_template_name = "people/admin/user_create.html"
    edit_template_name = "people/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
