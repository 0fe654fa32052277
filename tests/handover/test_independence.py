"""The manager confirms, per module, that the successor does the work alone: once the module's trial
tasks are verified, during the trial run; the sign-off waits for every module and names those left."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from handover import selectors, services
from handover.documents.storage import document_storage
from handover.errors import HandoverError
from handover.models import EventKind, HandoverModule, State

pytestmark = pytest.mark.django_db


def _module(departure, kind: str) -> HandoverModule:
    return departure.modules.get(kind=kind)


def confirm(people, departure, kind: str, note: str = "") -> None:
    services.module_independence(
        actor=people.manager, departure=departure, module_id=_module(departure, kind).pk, note=note
    )


def sign_all_but_the_manager(people, departure) -> None:
    for signer in (people.leaver, people.successor_a, people.successor_b):
        services.departure_sign(actor=signer, departure=departure, password=people.password)


def test_the_sign_off_waits_for_every_module_and_names_those_left(people, ready_to_sign):
    departure = ready_to_sign(independent=False)
    sign_all_but_the_manager(people, departure)
    confirm(people, departure, "product", note="Ran the weekly promotion alone.")
    with pytest.raises(
        HandoverError, match=r"works alone in every module\. Still waiting: Order processing\."
    ) as refused:
        services.departure_sign(actor=people.manager, departure=departure, password=people.password)
    assert "Product management" not in refused.value.message
    confirm(people, departure, "orders")
    services.departure_sign(actor=people.manager, departure=departure, password=people.password)
    departure.refresh_from_db()
    assert departure.state == State.SIGNED_OFF
    product = _module(departure, "product")
    assert product.independent_by == people.manager and product.independent_by_name == people.manager.name
    assert product.independence_note == "Ran the weekly promotion alone."
    kinds = list(departure.events.filter(kind=EventKind.MODULE_INDEPENDENT).values_list("actor", flat=True))
    assert kinds == [people.manager.pk, people.manager.pk]


def test_only_the_manager_confirms_once_the_items_are_accepted_and_the_trial_verified(people, make_case):
    departure = make_case(State.TRIAL_RUN)
    product = _module(departure, "product")
    for someone in (people.hr, people.leaver, people.successor_a):
        with pytest.raises(PermissionDenied):
            services.module_independence(actor=someone, departure=departure, module_id=product.pk)
    not_yet = r"Confirm once the successor has accepted this module's items and done a trial task\."
    with pytest.raises(HandoverError, match=not_yet):
        confirm(people, departure, "product")
    for item in product.items.all():
        services.item_accept(actor=people.successor_a, departure=departure, item_id=item.pk)
    with pytest.raises(HandoverError, match=not_yet):  # nothing tried yet
        confirm(people, departure, "product")
    task = services.trial_task_create(actor=people.leaver, departure=departure, module=product, title="Run")
    services.trial_task_complete(actor=people.successor_a, departure=departure, task_id=task.pk, note="Ran")
    with pytest.raises(HandoverError, match=r"Confirm once this module's trial tasks are verified\."):
        confirm(people, departure, "product")
    services.trial_task_verify(actor=people.leaver, departure=departure, task_id=task.pk)
    confirm(people, departure, "product")
    with pytest.raises(HandoverError, match="already confirmed"):
        confirm(people, departure, "product")


def test_no_confirmation_outside_the_trial_run(people, make_case):
    departure = make_case(State.EXECUTING)
    with pytest.raises(HandoverError, match=r"This cannot be done while the case is “Executing”\."):
        confirm(people, departure, "product")


def test_a_new_trial_task_or_the_manager_reopens_a_confirmation(people, ready_to_sign):
    departure = ready_to_sign()
    product = _module(departure, "product")
    services.trial_task_create(actor=people.leaver, departure=departure, module=product, title="One more")
    product.refresh_from_db()
    assert product.independent_at is None and product.independent_by is None
    assert departure.events.filter(kind=EventKind.MODULE_INDEPENDENCE_WITHDRAWN, actor=people.leaver).exists()

    services.module_independence(
        actor=people.manager, departure=departure, module_id=_module(departure, "orders").pk, confirm=False
    )
    assert _module(departure, "orders").independent_at is None
    with pytest.raises(HandoverError, match="not confirmed"):
        services.module_independence(
            actor=people.manager,
            departure=departure,
            module_id=_module(departure, "orders").pk,
            confirm=False,
        )


def test_the_manager_is_asked_on_my_work_and_confirms_on_the_module(client, people, ready_to_sign):
    departure = ready_to_sign(independent=False)
    todos = [(t.kind, t.module) for card in selectors.my_work(people.manager) for t in card.todos]
    assert ("confirm_independence", "product") in todos and ("confirm_independence", "orders") in todos
    client.force_login(people.manager)
    work = client.get(reverse("handover:my_work")).content.decode()
    assert "Confirm that the successor does Product management alone" in work

    product = _module(departure, "product")
    page = client.get(reverse("handover:case_module", args=[departure.pk, product.pk])).content.decode()
    assert f"The manager has not yet confirmed that {people.successor_a.name} does this work alone." in page
    url = reverse("handover:module_independence", args=[departure.pk, product.pk, "confirm"])
    assert f'action="{url}"' in page
    response = client.post(url, {"note": "Handled a promotion alone."})
    assert response["Location"].startswith(reverse("handover:case_module", args=[departure.pk, product.pk]))
    page = client.get(reverse("handover:case_module", args=[departure.pk, product.pk])).content.decode()
    assert f"Confirmed by {people.manager.name} on" in page and "Handled a promotion alone." in page
    assert reverse("handover:module_independence", args=[departure.pk, product.pk, "reopen"]) in page
    todos = [(t.kind, t.module) for card in selectors.my_work(people.manager) for t in card.todos]
    assert ("confirm_independence", "product") not in todos

    client.force_login(people.successor_a)
    page = client.get(reverse("handover:case_module", args=[departure.pk, product.pk])).content.decode()
    assert "Confirmed by" in page and "/independence/" not in page


def test_an_unknown_act_or_a_control_character_changes_nothing(client, people, ready_to_sign):
    departure = ready_to_sign(independent=False)
    product = _module(departure, "product")
    client.force_login(people.manager)
    for act, note in (("approve", ""), ("confirm", "bell\x07")):
        url = reverse("handover:module_independence", args=[departure.pk, product.pk, act])
        assert client.post(url, {"note": note}, follow=True).status_code == 200
    product.refresh_from_db()
    assert product.independent_at is None


def test_the_sign_page_and_the_sealed_confirmation_say_who_confirmed_it(client, people, ready_to_sign):
    departure = ready_to_sign(independent=False)
    client.force_login(people.leaver)
    page = client.get(reverse("handover:case_sign", args=[departure.pk])).content.decode()
    assert page.count("Works alone: not yet confirmed by the manager.") == 2
    confirm(people, departure, "product", note="Ran the weekly promotion alone.")
    confirm(people, departure, "orders")
    sign_all_but_the_manager(people, departure)
    services.departure_sign(actor=people.manager, departure=departure, password=people.password)
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert f"Works alone: confirmed by the manager, {people.manager.name}, on" in text
    assert "Ran the weekly promotion alone." in text
    assert "not yet confirmed" not in text
