"""Issued credentials for site admins to look up (read-only: they are changed only by
the services, so what was signed stays what is shown)."""

from django.contrib import admin

from .models import Credential, SigningKey


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["holder_name", "name", "kind", "issued_at", "hidden", "revoked_at"]
    list_filter = ["kind", "hidden", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["holder_name", "name", "user__email", "uuid"]
    list_select_related = ["user"]
    exclude = ["jwt", "document", "token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "created_at", "retired_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
