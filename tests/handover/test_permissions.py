"""The permission matrix: every case URL and action, for every kind of person.

Expected outcomes: "ok" (the page shows, or the action happened), 403 (may see
the case but this act is not theirs), 404 (may not know the case exists),
"login" (anonymous: sent to log in).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from handover.models import ChecklistItem, Event, ItemState, State
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["hr", "manager", "leaver", "successor_a", "successor_b", "head", "stranger", "anonymous"]


def client_for(client, people, role):
    if role != "anonymous":
        client.force_login(getattr(people, role))
    return client


def outcome(response, before_events: int, departure) -> str | int:
    if response.status_code == 302 and reverse("login") in response["Location"]:
        return "login"
    if response.status_code in (200, 302):
        if response.request["REQUEST_METHOD"] == "POST":
            acted = departure.events.count() > before_events
            return "ok" if acted else "refused"
        return "ok"
    return response.status_code


VIEWERS = {
    "hr": "ok",
    "manager": "ok",
    "leaver": "ok",
    "successor_a": "ok",
    "successor_b": "ok",
    "head": "ok",
}
NOBODY = {"stranger": 404, "anonymous": "login"}


def only(*roles: str) -> dict:
    """Exactly these roles may act; other viewers get 403."""
    return {**dict.fromkeys(VIEWERS, 403), **dict.fromkeys(roles, "ok"), **NOBODY}


def product_item(departure, state=None):
    items = ChecklistItem.objects.filter(module__departure=departure, module__kind="product")
    return items.filter(state=state).first() if state else items.first()


def manual_url(name, departure, *args):
    return reverse(f"handover:{name}", args=[departure.pk, departure.modules.get(kind="product").pk, *args])


def manual_with_lesson(departure):
    """The product manual's "add this lesson" address, for a lesson the manager notes."""
    from handover import services

    product = departure.modules.get(kind="product")
    lesson = services.lesson_add(
        actor=departure.manager,
        departure=departure,
        module_id=product.pk,
        went_wrong="Typo",
        solved="Checked",
    )
    return manual_url("manual_enrich", departure, "lesson", lesson.pk)


# name: (case state, method, url builder, POST data builder, expected per role)
MATRIX = {
    "manual page": (
        State.EXECUTING,
        "get",
        lambda d: manual_url("module_manual", d),
        None,
        {**VIEWERS, **NOBODY},
    ),
    "write the manual": (
        State.EXECUTING,
        "post",
        lambda d: manual_url("manual_edit", d),
        lambda d: {"body": "# How the listings work", "base_version": 0},
        only("leaver", "manager", "successor_a"),
    ),
    "add a lesson to the manual": (
        State.EXECUTING,
        "post",
        manual_with_lesson,
        None,
        only("leaver", "manager", "successor_a"),
    ),
    "case page": (
        State.EXECUTING,
        "get",
        lambda d: reverse("handover:case_detail", args=[d.pk]),
        None,
        {**VIEWERS, **NOBODY},
    ),
    "start preparing": (
        State.INTENT_CONFIRMED,
        "post",
        lambda d: reverse("handover:case_transition", args=[d.pk, "start_preparing"]),
        None,
        only("hr"),
    ),
    "aftercare page": (
        State.AFTERCARE,
        "get",
        lambda d: reverse("handover:case_aftercare", args=[d.pk]),
        None,
        {**VIEWERS, **NOBODY},
    ),
    "ask the former employee": (
        State.AFTERCARE,
        "post",
        lambda d: reverse("handover:case_aftercare", args=[d.pk]),
        lambda d: {"module": d.modules.get(kind="product").pk, "question": "Where is the price list?"},
        only("manager", "successor_a", "successor_b"),
    ),
    "extend the support period": (
        State.AFTERCARE,
        "post",
        lambda d: reverse("handover:case_aftercare", args=[d.pk]),
        lambda d: {
            "act": "extend",
            "until": (d.support_until + timedelta(days=7)).isoformat(),
            "reason": "Peak",
        },
        only("hr"),
    ),
    "end the personal links": (
        State.AFTERCARE,
        "post",
        lambda d: reverse("handover:case_aftercare", args=[d.pk]),
        lambda d: {"act": "end_links"},
        only("hr"),
    ),
    "give an address for mail after leaving": (
        State.SIGNED_OFF,
        "post",
        lambda d: reverse("handover:case_aftercare", args=[d.pk]),
        lambda d: {"act": "contact", "contact-email": "leo.home@example.org"},
        only("leaver"),
    ),
    "alumni page": (
        State.SIGNED_OFF,
        "get",
        lambda d: reverse("handover:case_alumni", args=[d.pk]),
        None,
        only("hr", "leaver"),
    ),
    "stay in touch": (
        State.SIGNED_OFF,
        "post",
        lambda d: reverse("handover:case_alumni", args=[d.pk]),
        lambda d: {"act": "join", "contact": "leo@example.org", "news": "on"},
        only("leaver"),
    ),
    "survey page": (
        State.SIGNED_OFF,
        "get",
        lambda d: reverse("handover:case_feedback", args=[d.pk]),
        None,
        {**VIEWERS, **NOBODY},
    ),
    "answer the survey": (
        State.SIGNED_OFF,
        "post",
        lambda d: reverse("handover:case_feedback", args=[d.pk]),
        lambda d: {"time_enough": 3, "materials_complete": 3, "demonstrations_useful": 3, "trial_useful": 3},
        only("leaver", "successor_a", "successor_b", "manager"),
    ),
    "announcement page": (
        State.PREPARING,
        "get",
        lambda d: reverse("handover:case_announcement", args=[d.pk]),
        None,
        {**VIEWERS, **NOBODY},
    ),
    "announce": (
        State.PREPARING,
        "post",
        lambda d: reverse("handover:case_announcement", args=[d.pk]),
        lambda d: {"text": "Leo leaves.", "audience": "case"},
        only("hr"),
    ),
    "withdraw": (
        State.PREPARING,
        "post",
        lambda d: reverse("handover:case_withdraw", args=[d.pk]),
        lambda d: {"reason": "The employee stays."},
        only("hr"),
    ),
    "schedule meeting": (
        State.PREPARING,
        "post",
        lambda d: reverse("handover:meeting_schedule", args=[d.pk]),
        lambda d: {
            "scheduled_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Room 2",
        },
        only("hr", "manager"),
    ),
    "add item": (
        State.PREPARING,
        "post",
        lambda d: reverse("handover:item_add", args=[d.pk, d.modules.get(kind="product").pk]),
        lambda d: {f"m{d.modules.get(kind='product').pk}-title": "Price floor list"},
        only("leaver"),
    ),
    "edit item page": (
        State.PREPARING,
        "get",
        lambda d: reverse("handover:item_edit", args=[d.pk, product_item(d).pk]),
        None,
        only("leaver"),
    ),
    "delete item": (
        State.PREPARING,
        "post",
        lambda d: reverse("handover:item_delete", args=[d.pk, product_item(d).pk]),
        None,
        only("leaver"),
    ),
    "hand over item": (
        State.EXECUTING,
        "post",
        lambda d: reverse("handover:item_hand_over", args=[d.pk, product_item(d).pk]),
        None,
        only("leaver"),
    ),
    "accept product item": (
        State.TRIAL_RUN,
        "post",
        lambda d: reverse("handover:item_accept", args=[d.pk, product_item(d, ItemState.HANDED_OVER).pk]),
        None,
        only("successor_a"),
    ),
    "return product item": (
        State.TRIAL_RUN,
        "post",
        lambda d: reverse("handover:item_return", args=[d.pk, product_item(d, ItemState.HANDED_OVER).pk]),
        lambda d: {"question": "Where is the rate card?"},
        only("successor_a"),
    ),
    "hand over a whole module": (
        State.EXECUTING,
        "post",
        lambda d: reverse("handover:items_bulk", args=[d.pk, d.modules.get(kind="product").pk, "hand_over"]),
        None,
        only("leaver"),
    ),
    "accept a whole module": (
        State.TRIAL_RUN,
        "post",
        lambda d: reverse("handover:items_bulk", args=[d.pk, d.modules.get(kind="product").pk, "accept"]),
        None,
        only("successor_a"),
    ),
    "add trial task": (
        State.TRIAL_RUN,
        "post",
        lambda d: reverse("handover:trial_add", args=[d.pk]),
        lambda d: {"module": d.modules.get(kind="product").pk, "title": "Process a return"},
        only("leaver", "manager"),
    ),
    "confirm a successor works alone": (
        State.TRIAL_RUN,
        "post",
        lambda d: reverse(
            "handover:module_independence", args=[d.pk, d.modules.get(kind="product").pk, "confirm"]
        ),
        None,
        # Nothing is accepted or tried yet: the manager is refused by the policy, others by permission.
        {**only(), "manager": "refused"},
    ),
    "schedule a demonstration": (
        State.EXECUTING,
        "post",
        lambda d: reverse("handover:demonstration_schedule", args=[d.pk]),
        lambda d: {
            "title": "Order exceptions",
            "scheduled_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Room 2",
            "items": [product_item(d).pk],
            "attendees": [d.modules.get(kind="product").successor_id],
        },
        only("leaver", "manager"),
    ),
    "note a lesson learned": (
        State.EXECUTING,
        "post",
        lambda d: reverse("handover:lesson_add", args=[d.pk, d.modules.get(kind="product").pk]),
        lambda d: {"went_wrong": "Refunds were slow.", "solved": "A one-step approval."},
        only("leaver", "manager", "successor_a"),
    ),
    "check in on a module": (
        State.EXECUTING,
        "post",
        lambda d: reverse("handover:module_check_in", args=[d.pk, d.modules.get(kind="product").pk]),
        lambda d: {"confidence": "on_track", "note": "Going well."},
        only("manager"),
    ),
    "leave a follow-up": (
        State.SIGNED_OFF,
        "post",
        lambda d: reverse("handover:follow_up_add", args=[d.pk, d.modules.get(kind="product").pk]),
        lambda d: {"title": "Refresh the listings", "due_date": timezone.localdate().isoformat()},
        only("leaver", "manager"),
    ),
    "start trial run": (
        State.EXECUTING,
        "post",
        lambda d: reverse("handover:case_transition", args=[d.pk, "start_trial_run"]),
        None,
        # Nothing is handed over yet: HR owner and manager are refused by the guard, others by permission.
        {**only(), "hr": "refused", "manager": "refused"},
    ),
    "begin aftercare": (
        State.SIGNED_OFF,
        "post",
        lambda d: reverse("handover:case_transition", args=[d.pk, "begin_aftercare"]),
        None,
        only("hr"),
    ),
    "confirmation pdf": (
        State.SIGNED_OFF,
        "get",
        lambda d: reverse("handover:confirmation_pdf", args=[d.pk]),
        None,
        {**VIEWERS, "head": 403, **NOBODY},
    ),
}

CASES = [(action, role) for action in MATRIX for role in ROLES]


@pytest.fixture
def documents(settings, tmp_path):
    settings.HANDOVER_DOCUMENT_DIR = tmp_path


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_permission_matrix(client, people, make_case, documents, action, role):
    state, method, url, data, expected = MATRIX[action]
    # The announcement is sent once: that row needs a case HR has not announced yet.
    departure = make_case(state, announced=action != "announce")
    if state == State.SIGNED_OFF:
        from handover import services

        services.confirmation_produce(departure_id=departure.pk)
    client = client_for(client, people, role)
    # Built first: a URL may name a row it creates (a lesson to add to the manual).
    target = url(departure)
    before = departure.events.count()
    response = client.get(target) if method == "get" else client.post(target, data(departure) if data else {})
    assert outcome(response, before, departure) == expected[role]


@pytest.mark.parametrize("role", ["successor_a", "successor_b", "head", "stranger"])
def test_reason_for_leaving_is_hidden_from_others(client, people, make_case, role):
    departure = make_case(State.EXECUTING, reason_text="Burnt out by the 11.11 season")
    client.force_login(getattr(people, role))
    response = client.get(reverse("handover:case_detail", args=[departure.pk]))
    assert "Burnt out" not in response.content.decode()


@pytest.mark.parametrize("role", ["hr", "manager", "leaver"])
def test_reason_for_leaving_is_shown_to_hr_manager_and_leaver(client, people, make_case, role):
    departure = make_case(State.EXECUTING, reason_text="Burnt out by the 11.11 season")
    client.force_login(getattr(people, role))
    response = client.get(reverse("handover:case_detail", args=[departure.pk]))
    assert "Burnt out" in response.content.decode()


def test_item_of_another_case_is_404(client, people, make_case):
    mine = make_case(State.EXECUTING)
    other_leaver = UserFactory(username="other_leaver")
    other = make_case(State.EXECUTING, employee=other_leaver)
    their_item = product_item(other)
    client.force_login(people.leaver)
    response = client.post(reverse("handover:item_hand_over", args=[mine.pk, their_item.pk]))
    assert response.status_code == 404
    their_item.refresh_from_db()
    assert their_item.state == ItemState.PENDING
    assert not Event.objects.filter(kind="item_handed_over").exists()


def test_successor_of_another_module_gets_403_and_nothing_changes(client, people, make_case):
    departure = make_case(State.TRIAL_RUN)
    item = product_item(departure, ItemState.HANDED_OVER)
    client.force_login(people.successor_b)
    response = client.post(reverse("handover:item_accept", args=[departure.pk, item.pk]))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == ItemState.HANDED_OVER


def test_stranger_gets_404_on_every_case_url(client, people, make_case, documents):
    from handover import services
    from handover.urls import urlpatterns

    departure = make_case(State.SIGNED_OFF)
    services.confirmation_produce(departure_id=departure.pk)
    item = product_item(departure)
    task = departure.trial_tasks.first()
    module = departure.modules.first()
    ids = {
        "pk": departure.pk,
        "item_id": item.pk,
        "task_id": task.pk,
        "module_id": module.pk,
        "name": "close",
        "act": "hand_over",
        # Rows of another kind need not exist: the case itself is already not found.
        "lesson_id": 1,
        "demonstration_id": 1,
        "follow_up_id": 1,
        "question_id": 1,
        "row_id": 1,
        "number": 1,
        "source": "lesson",
    }
    client.force_login(people.stranger)
    # Account and material URLs are walked by test_inventory_files.py, with rows to point at.
    inventory = (":access_id>", ":material_id>", ":kind>", ":file_format>")
    case_patterns = [
        p
        for p in urlpatterns
        if "<int:pk>" in str(p.pattern)
        and str(p.pattern).startswith("cases/")
        and not any(part in str(p.pattern) for part in inventory)
    ]
    assert len(case_patterns) >= 18
    for pattern in case_patterns:
        kwargs = {
            k: v
            for k, v in ids.items()
            if f"<{'slug' if k in ('name', 'act', 'source') else 'int'}:{k}>" in str(pattern.pattern)
        }
        url = reverse(f"handover:{pattern.name}", kwargs=kwargs)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url


def test_case_list_shows_only_visible_cases(client, people, make_case):
    make_case(State.EXECUTING)
    client.force_login(people.stranger)
    assert "HO-" not in client.get(reverse("handover:case_list")).content.decode()
    client.force_login(people.successor_a)
    assert "HO-" in client.get(reverse("handover:case_list")).content.decode()
