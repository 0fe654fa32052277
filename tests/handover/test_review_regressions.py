"""Defects found in review, each pinned by the request that used to get through."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from handover import selectors, services
from handover.errors import HandoverError
from handover.models import ChecklistItem, ChecklistTemplate, Departure, EventKind, HandoverMeeting, State
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def first_item(departure, kind="product"):
    return ChecklistItem.objects.filter(module__departure=departure, module__kind=kind).first()


def test_a_superuser_is_not_the_manager_or_the_leaver_of_every_case(make_case, people):
    boss = UserFactory(username="root", roles=[Role.HR], is_superuser=True, is_staff=True)
    departure = make_case(State.EXECUTING)
    with pytest.raises(PermissionDenied):
        services.item_hand_over(actor=boss, departure=departure, item_id=first_item(departure).pk)
    with pytest.raises(PermissionDenied):
        services.departure_withdraw(actor=boss, departure=departure, reason="The employee stays.")
    with pytest.raises(PermissionDenied):
        services.departure_sign(actor=boss, departure=departure, password=PASSWORD)


@pytest.mark.parametrize("action", ["item_return", "item_answer", "item_hand_over"])
def test_an_item_of_another_case_or_no_item_is_404_even_when_the_action_fails(
    client, people, make_case, action
):
    mine = make_case(State.EXECUTING)
    other = make_case(State.EXECUTING, employee=UserFactory(username="other_leaver"))
    client.force_login(people.leaver)
    for item_id in (first_item(other).pk, 987654):
        response = client.post(
            reverse(f"handover:{action}", args=[mine.pk, item_id]), {"question": "", "answer": ""},
            headers={"HX-Request": "true"},
        )  # fmt: skip
        assert response.status_code == 404
        assert first_item(other).title.encode() not in response.content


def test_dates_far_outside_working_life_get_a_form_error(client, people, make_case):
    client.force_login(people.hr)
    response = client.post(
        reverse("handover:case_open"),
        {
            "employee": people.leaver.username, "manager": people.manager.username,
            "reason_category": "other",
            "notice_date": "9999-12-01", "last_working_day": "9999-12-31", "language": "en",
            "include_product": "on", "successor_product": people.successor_a.username,
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Enter a date between the years 2000 and 2100." in response.content.decode()
    assert not Departure.objects.exists()
    departure = make_case(State.PREPARING)
    client.force_login(people.manager)
    response = client.post(
        reverse("handover:meeting_schedule", args=[departure.pk]),
        {"scheduled_at": "0001-01-01T00:00", "location": "Room"},
        follow=True,
    )
    assert response.status_code == 200
    # The meeting form page shows the field's own error, with what was typed.
    assert "Enter a date between the years 2000 and 2100." in response.content.decode()
    assert not HandoverMeeting.objects.exists()


def test_the_admin_neither_edits_items_nor_shows_the_reason(client, people, make_case):
    people.hr.is_staff = people.hr.is_superuser = True
    people.hr.save()
    departure = make_case(State.EXECUTING, reason_text="Private words")
    client.force_login(people.hr)
    page = client.get(reverse("admin:handover_departure_change", args=[departure.pk])).content.decode()
    assert departure.number in page
    assert "Private words" not in page
    item = first_item(departure)
    response = client.post(
        reverse("admin:handover_checklistitem_change", args=[item.pk]), {"title": "Edited"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title != "Edited"


def test_hr_makes_another_template_the_default_in_the_app(client, people):
    old = ChecklistTemplate.objects.get(language="en", is_default=True)
    client.force_login(people.hr)
    response = client.post(
        reverse("handover:template_list"),
        {
            "name": "Marketplace ops",
            "language": "en",
            "is_default": "on",
            "reminder_due_days": "1, 0",
            "reminder_last_day_days": "7, 3, 1",
            "reminder_meeting_hours": "24, 1",
            "escalate_after_days": "2",
        },
    )
    assert response.status_code == 302
    new = ChecklistTemplate.objects.get(name="Marketplace ops")
    old.refresh_from_db()
    assert new.is_default and not old.is_default


@pytest.fixture
def signed_by_leaver(ready_to_sign, people):
    departure = ready_to_sign()
    services.departure_sign(actor=people.leaver, departure=departure, password=PASSWORD)
    return departure


def test_a_change_after_a_signature_voids_it(signed_by_leaver, people):
    departure = signed_by_leaver
    module = departure.modules.first()
    services.trial_task_create(actor=people.manager, departure=departure, module=module, title="One more")
    signature = departure.signatures.get()
    assert signature.voided_at is not None
    assert departure.events.filter(kind=EventKind.SIGNATURE_VOIDED, subject="Leo Leaver").count() == 1
    services.module_set_successor(
        actor=people.hr, departure=departure, module=module, successor=UserFactory(username="late")
    )
    assert departure.events.filter(kind=EventKind.SIGNATURE_VOIDED).count() == 1  # nothing valid left


def test_signatures_on_changed_content_are_void_and_signed_again(signed_by_leaver, people):
    departure = signed_by_leaver
    ChecklistItem.objects.filter(pk=first_item(departure).pk).update(title="Quietly changed")
    services.departure_sign(actor=people.successor_a, departure=departure, password=PASSWORD)
    leaver_signature = departure.signatures.get(signer=people.leaver)
    assert leaver_signature.voided_at is not None
    with pytest.raises(HandoverError, match="must sign before the manager"):
        services.departure_sign(actor=people.manager, departure=departure, password=PASSWORD)
    departure.refresh_from_db()
    assert departure.state == State.TRIAL_RUN
    services.departure_sign(actor=people.leaver, departure=departure, password=PASSWORD)
    assert departure.signatures.filter(signer=people.leaver).count() == 2
    assert departure.signatures.filter(signer=people.leaver, voided_at__isnull=True).count() == 1


def test_items_are_removed_only_while_preparing_and_no_module_goes_empty(make_case, people):
    departure = make_case(State.EXECUTING)
    with pytest.raises(HandoverError, match="cannot be done while the case is"):
        services.item_delete(actor=people.leaver, departure=departure, item_id=first_item(departure).pk)
    ChecklistItem.objects.filter(module__departure=departure, module__kind="orders").delete()
    for item in ChecklistItem.objects.filter(module__departure=departure):
        services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    with pytest.raises(HandoverError, match=r"Every module needs at least one checklist item\."):
        services.departure_start_trial_run(actor=people.manager, departure=departure)


def test_hr_cannot_run_their_own_departure(make_case, people):
    with pytest.raises(HandoverError, match="HR owner cannot be"):
        make_case(employee=people.hr)
    with pytest.raises(HandoverError, match="HR owner cannot be"):
        make_case(successors={"product": people.hr})


def test_the_timeline_pages_back_to_the_first_event(client, people, make_case, monkeypatch):
    monkeypatch.setattr(selectors, "TIMELINE_PAGE_SIZE", 3)
    departure = make_case(State.EXECUTING)
    client.force_login(people.manager)
    url = reverse("handover:case_timeline", args=[departure.pk])
    events = departure.events.count()
    pages = -(-events // 3)
    first = client.get(url).content.decode()
    assert first.count("<time ") == 3 and 'rel="next"' in first
    assert "opened the case for" not in first
    last = client.get(url, {"page": pages}).content.decode()
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert "opened the case for" in last
    assert f"Page {pages} of {pages}" in last


CONTROL_MESSAGE = (
    "This text contains invisible control characters; remove them (tabs and line breaks are fine)."
)


def test_every_form_people_type_text_into_refuses_control_characters():
    from django import forms

    from handover import forms as handover_forms

    # Neither is kept: a password to check, a search to run (Django refuses NUL in both already).
    exempt = {handover_forms.RevealForm, handover_forms.CaseFilterForm}
    with_text = [
        form
        for form in vars(handover_forms).values()
        if isinstance(form, type)
        and issubclass(form, forms.BaseForm)
        and any(isinstance(field, forms.CharField) for field in getattr(form, "base_fields", {}).values())
    ]
    assert handover_forms.AccessForm in with_text and handover_forms.ItemForm in with_text
    unguarded = [
        form.__name__
        for form in with_text
        if form not in exempt
        and not issubclass(form, handover_forms.PrintableText)
        and not all(
            handover_forms.printable_text in field.validators
            for field in form.base_fields.values()
            if isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.PasswordInput)
            and not isinstance(field.widget, forms.HiddenInput)
        )
    ]
    assert unguarded == []


def test_control_characters_typed_into_the_inventory_get_a_form_error_and_nothing_is_saved(
    client, people, make_case
):
    from handover.models import Access, AccessSystem, ChecklistItem, Material

    departure = make_case(State.PREPARING)
    module = departure.modules.get(kind="product")
    system = AccessSystem.objects.create(name="Tmall seller centre", category="marketplace")
    client.force_login(people.leaver)
    response = client.post(
        reverse("handover:access_add", args=[departure.pk]),
        {"module": module.pk, "system": system.pk, "account": "ctl\x07acct", "kind": "personal"},
    )
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode()
    response = client.post(
        reverse("handover:material_add", args=[departure.pk]),
        {
            "module": module.pk, "title": "Contracts", "medium": "electronic", "category": "contract",
            "location": "Cabinet B", "purpose": "Audit\x1b[31m", "importance": "medium",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode()
    items = ChecklistItem.objects.filter(module=module).count()
    response = client.post(
        reverse("handover:item_add", args=[departure.pk, module.pk]),
        {f"m{module.pk}-title": "Ship\x0corders"},
        follow=True,
    )
    assert CONTROL_MESSAGE in response.content.decode()
    assert ChecklistItem.objects.filter(module=module).count() == items
    assert not Access.objects.exists() and not Material.objects.exists()
    # Tabs and line breaks are text.
    response = client.post(
        reverse("handover:access_add", args=[departure.pk]),
        {"module": module.pk, "system": system.pk, "account": "ops", "kind": "personal",
         "credential_location": "Vault\tE-commerce\r\nShelf 2"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Access.objects.get().credential_location == "Vault\tE-commerce\r\nShelf 2"


def test_the_xlsx_export_survives_control_characters_already_saved(client, people, make_case):
    import io

    from openpyxl import load_workbook

    from handover.models import AccessSystem

    departure = make_case(State.PREPARING)
    module = departure.modules.get(kind="product")
    system = AccessSystem.objects.create(name="Tmall\x1fseller centre", category="marketplace")
    # Saved before the forms refused them (the services take what they are given).
    services.access_create(
        actor=people.leaver, departure=departure, module=module, system=system, account="ctl\x07acct",
        kind="personal",
    )  # fmt: skip
    services.material_create(
        actor=people.leaver, departure=departure, module=module, title="Contracts\x0b2026",
        medium="paper", category="contract", location="Cabinet B", importance="high",
    )  # fmt: skip
    client.force_login(people.hr)
    response = client.get(reverse("handover:inventory_export", args=[departure.pk, "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert {"ctl\ufffdacct", "Tmall\ufffdseller centre", "Contracts\ufffd2026"} <= cells


def test_a_nul_byte_in_a_question_answer_note_or_feedback_is_refused_and_nothing_saved(
    client, people, make_case
):
    from handover.models import ItemState, TrialState, TrialTask

    departure = make_case(State.EXECUTING)
    item = first_item(departure)
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)
    client.force_login(people.successor_a)
    url = reverse("handover:item_return", args=[departure.pk, item.pk])
    response = client.post(url, {"question": "Where\x00is it?"}, follow=True)
    assert CONTROL_MESSAGE in response.content.decode()
    response = client.post(url, {"question": "Where\x00is it?"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and CONTROL_MESSAGE in response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.HANDED_OVER and item.question == ""
    services.item_return(actor=people.successor_a, departure=departure, item_id=item.pk, question="Where?")
    client.force_login(people.leaver)
    response = client.post(
        reverse("handover:item_answer", args=[departure.pk, item.pk]), {"answer": "Here\x00"}, follow=True
    )
    assert CONTROL_MESSAGE in response.content.decode()
    item.refresh_from_db()
    assert item.answer == ""

    trial = make_case(State.TRIAL_RUN, employee=UserFactory(username="trial_leaver"))
    module = trial.modules.get(kind="product")
    task = services.trial_task_create(actor=trial.employee, departure=trial, module=module, title="Run")
    client.force_login(people.successor_a)
    response = client.post(
        reverse("handover:trial_done", args=[trial.pk, task.pk]), {"note": "Ran\x00"}, follow=True
    )
    assert CONTROL_MESSAGE in response.content.decode()
    assert TrialTask.objects.get(pk=task.pk).state == TrialState.ASSIGNED
    services.trial_task_complete(actor=people.successor_a, departure=trial, task_id=task.pk, note="Ran")
    client.force_login(trial.employee)
    for action in ("trial_verify", "trial_rework"):
        response = client.post(
            reverse(f"handover:{action}", args=[trial.pk, task.pk]), {"feedback": "\x00"}, follow=True
        )
        assert CONTROL_MESSAGE in response.content.decode()
        task.refresh_from_db()
        assert task.state == TrialState.DONE and task.feedback == ""


@pytest.mark.parametrize("target", ["foo", "//evil.example/", "https://evil.example/", "javascript:alert(1)"])
def test_the_language_switch_goes_home_when_next_is_no_path_on_this_site(client, target):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": target})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert response.cookies["django_language"].value == "zh-hans"


def test_the_language_switch_returns_to_the_page_it_was_on(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/cases/?state=executing"})
    assert (response.status_code, response["Location"]) == (302, "/cases/?state=executing")
