from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "department", "job_title", "is_active"]
    list_filter = ["department", "groups", "is_active"]
    list_select_related = ["department"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Work"), {"fields": ("display_name", "job_title", "department", "language")}),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "head"]
    list_select_related = ["head"]
    autocomplete_fields = ["head"]
