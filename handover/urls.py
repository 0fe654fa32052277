from django.urls import path
from django.views.generic import RedirectView

from handover.views import cases, catalogue, inventory, items, templates, trial, verify, work

app_name = "handover"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="handover:my_work"), name="home"),
    path("work/", work.my_work, name="my_work"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_open, name="case_open"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/move/<slug:name>/", cases.case_transition, name="case_transition"),
    path("cases/<int:pk>/modules/<int:module_id>/successor/", cases.set_successor, name="set_successor"),
    path("cases/<int:pk>/modules/<int:module_id>/items/", items.item_add, name="item_add"),
    path("cases/<int:pk>/items/<int:item_id>/edit/", items.item_edit, name="item_edit"),
    path("cases/<int:pk>/items/<int:item_id>/delete/", items.item_delete, name="item_delete"),
    path("cases/<int:pk>/items/<int:item_id>/hand-over/", items.item_hand_over, name="item_hand_over"),
    path("cases/<int:pk>/items/<int:item_id>/accept/", items.item_accept, name="item_accept"),
    path("cases/<int:pk>/items/<int:item_id>/return/", items.item_return, name="item_return"),
    path("cases/<int:pk>/items/<int:item_id>/answer/", items.item_answer, name="item_answer"),
    path("cases/<int:pk>/meeting/schedule/", cases.meeting_schedule, name="meeting_schedule"),
    path("cases/<int:pk>/meeting/record/", cases.meeting_record, name="meeting_record"),
    path("cases/<int:pk>/trial/", trial.trial_add, name="trial_add"),
    path("cases/<int:pk>/trial/<int:task_id>/done/", trial.trial_done, name="trial_done"),
    path("cases/<int:pk>/trial/<int:task_id>/verify/", trial.trial_verify, name="trial_verify"),
    path("cases/<int:pk>/trial/<int:task_id>/rework/", trial.trial_rework, name="trial_rework"),
    path("cases/<int:pk>/sign/", cases.case_sign, name="case_sign"),
    path("cases/<int:pk>/confirmation.pdf", cases.confirmation_pdf, name="confirmation_pdf"),
    path("cases/<int:pk>/confirmation/reissue/", cases.confirmation_reissue, name="confirmation_reissue"),
    path("verify/", verify.verify, name="verify"),
    path("verify/root.pem", verify.root_certificate, name="root_certificate"),
    path("verify/<slug:code>/", verify.verify_code, name="verify_code"),
    path("cases/<int:pk>/accounts/new/", inventory.access_add, name="access_add"),
    path("cases/<int:pk>/accounts/<int:access_id>/edit/", inventory.access_edit, name="access_edit"),
    path("cases/<int:pk>/accounts/<int:access_id>/delete/", inventory.access_delete, name="access_delete"),
    path("cases/<int:pk>/accounts/<int:access_id>/secret/", inventory.access_secret, name="access_secret"),
    path("cases/<int:pk>/accounts/<int:access_id>/reveal/", inventory.access_reveal, name="access_reveal"),
    path(
        "cases/<int:pk>/accounts/<int:access_id>/transfer/", inventory.access_transfer, name="access_transfer"
    ),
    path("cases/<int:pk>/accounts/<int:access_id>/rotated/", inventory.access_rotated, name="access_rotated"),
    path("cases/<int:pk>/accounts/<int:access_id>/revoke/", inventory.access_revoke, name="access_revoke"),
    path(
        "cases/<int:pk>/accounts/<int:access_id>/not-applicable/",
        inventory.access_not_applicable,
        name="access_not_applicable",
    ),
    path("cases/<int:pk>/materials/new/", inventory.material_add, name="material_add"),
    path("cases/<int:pk>/materials/<int:material_id>/edit/", inventory.material_edit, name="material_edit"),
    path(
        "cases/<int:pk>/materials/<int:material_id>/delete/",
        inventory.material_delete,
        name="material_delete",
    ),
    path(
        "cases/<int:pk>/materials/<int:material_id>/found/", inventory.material_found, name="material_found"
    ),
    path("cases/<int:pk>/materials/<int:material_id>/file/", inventory.material_file, name="material_file"),
    path("cases/<int:pk>/import/", inventory.inventory_import, name="inventory_import"),
    path(
        "cases/<int:pk>/import/<slug:kind>-template.<slug:file_format>",
        inventory.import_template,
        name="import_template",
    ),
    path(
        "cases/<int:pk>/inventory.<slug:file_format>",
        inventory.inventory_export,
        name="inventory_export",
    ),
    path("access/open/", catalogue.open_accesses, name="open_accesses"),
    path("access/<int:access_id>/revoke/", inventory.access_revoke_by_it, name="access_revoke_by_it"),
    path("systems/", catalogue.system_list, name="system_list"),
    path("systems/<int:pk>/", catalogue.system_edit, name="system_edit"),
    path("templates/", templates.template_list, name="template_list"),
    path("templates/<int:pk>/", templates.template_detail, name="template_detail"),
    path("templates/<int:pk>/items/<int:item_id>/", templates.template_item_edit, name="template_item_edit"),
]
