from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from handover import services
from handover.errors import HandoverError
from handover.forms import WithdrawForm
from handover.models import (
    Access,
    AccessSystem,
    ChecklistItem,
    ChecklistTemplate,
    Departure,
    Event,
    HandoverModule,
    Material,
    TemplateItem,
)

PRIVATE_FIELDS = ["reason_category", "reason_text", "aftercare_email"]


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0
    fields = ["module", "title", "due_days_before_last_day", "position"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "is_default", "updated_at"]
    list_filter = ["language", "is_default"]
    inlines = [TemplateItemInline]


@admin.register(TemplateItem)
class TemplateItemAdmin(admin.ModelAdmin):
    list_display = ["title", "template", "module", "due_days_before_last_day"]
    list_filter = ["template", "module"]
    search_fields = ["title"]
    list_select_related = ["template"]


class ModuleInline(admin.TabularInline):
    model = HandoverModule
    extra = 0
    fields = ["kind", "successor_name"]
    readonly_fields = ["kind", "successor_name"]
    can_delete = False


@admin.action(description=_("Withdraw the selected cases"))
def withdraw(modeladmin, request, queryset):
    """Asks for the reason first (one page listing the cases), then withdraws each through the
    service, which refuses what the policy does not allow."""
    form = WithdrawForm(request.POST if "reason" in request.POST else None)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "admin/handover/withdraw.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": _("Withdraw the selected cases"),
                "cases": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )
    for departure in queryset:
        try:
            services.departure_withdraw(
                actor=request.user, departure=departure, reason=form.cleaned_data["reason"]
            )
        except (HandoverError, PermissionDenied) as error:
            modeladmin.message_user(request, f"{departure.number}: {error}", messages.ERROR)
    return None


@admin.register(Departure)
class DepartureAdmin(admin.ModelAdmin):
    """Read-mostly: cases change only through the services, so the admin never edits state."""

    list_display = ["number", "employee_name", "department_name", "state", "last_working_day"]
    list_filter = ["state", "department"]
    search_fields = ["number", "employee_name"]
    date_hierarchy = "last_working_day"
    # The reason for leaving is for HR, the manager and the leaver only: never in the admin.
    exclude = PRIVATE_FIELDS
    readonly_fields = [f.name for f in Departure._meta.fields if f.name not in PRIVATE_FIELDS]
    inlines = [ModuleInline]
    actions = [withdraw]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """What was handed over and signed changes only through the services, never in the admin."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "module", "state", "due_date"]
    list_filter = ["state", "module__kind"]
    search_fields = ["title"]
    list_select_related = ["module"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "departure", "actor_name", "kind", "subject"]
    list_filter = ["kind"]
    list_select_related = ["departure"]


@admin.register(AccessSystem)
class AccessSystemAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name"]


# A stored secret's ciphertext is not shown either: only whether one is stored.
SECRET_FIELDS = ["secret_token", "secret_key_id"]


@admin.register(Access)
class AccessAdmin(ReadOnlyAdmin):
    list_display = ["system", "account", "departure", "state", "has_secret"]
    list_filter = ["state", "kind", "system"]
    search_fields = ["account", "departure__number"]
    list_select_related = ["system", "departure"]
    exclude = SECRET_FIELDS

    @admin.display(boolean=True, description=_("secret stored"))
    def has_secret(self, obj) -> bool:
        return obj.has_secret


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ["title", "departure", "category", "importance", "found_at"]
    list_filter = ["category", "importance", "medium"]
    search_fields = ["title", "departure__number"]
    list_select_related = ["departure"]
    exclude = ["file"]
