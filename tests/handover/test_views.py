from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from handover import formatting, services
from handover.models import ChecklistItem, ChecklistTemplate, Departure, EventKind, ItemState, State
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def first_item(departure, kind="product"):
    return ChecklistItem.objects.filter(module__departure=departure, module__kind=kind).first()


def open_form_data(people, **overrides):
    today = timezone.localdate()
    data = {
        "employee": people.leaver.username,
        "manager": people.manager.username,
        "reason_category": "relocation",
        "reason_text": "Moving to Hangzhou.",
        "notice_date": today.isoformat(),
        "last_working_day": (today + timedelta(days=21)).isoformat(),
        "language": "en",
        "include_product": "on",
        "successor_product": people.successor_a.username,
        "include_orders": "on",
        "successor_orders": people.successor_b.username,
    }
    data.update(overrides)
    return data


def test_hr_opens_a_case_in_the_browser(client, people):
    client.force_login(people.hr)
    response = client.post(reverse("handover:case_open"), open_form_data(people))
    departure = Departure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("handover:case_detail", args=[departure.pk])
    assert departure.modules.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert departure.number in page
    assert "Start preparing" in page


def test_open_form_refuses_a_last_day_before_notice_and_keeps_the_input(client, people):
    client.force_login(people.hr)
    today = timezone.localdate()
    response = client.post(
        reverse("handover:case_open"),
        open_form_data(people, last_working_day=(today - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The last working day cannot be before the notice date." in page
    assert "Moving to Hangzhou." in page
    assert not Departure.objects.exists()


def test_open_form_refuses_a_case_without_modules(client, people):
    client.force_login(people.hr)
    data = open_form_data(people)
    del data["include_product"], data["include_orders"]
    response = client.post(reverse("handover:case_open"), data)
    assert "Choose at least one work module to hand over." in response.content.decode()
    assert not Departure.objects.exists()


def test_short_notice_is_shown_as_a_risk(client, people):
    client.force_login(people.hr)
    today = timezone.localdate()
    response = client.post(
        reverse("handover:case_open"),
        open_form_data(people, last_working_day=(today + timedelta(days=5)).isoformat()),
        follow=True,
    )
    page = response.content.decode()
    assert "Short notice: less than two weeks" in page
    assert "Short notice: 5 days" in page


def test_open_form_is_translated(client, people):
    people.hr.language = "zh-hans"
    people.hr.save()
    client.force_login(people.hr)
    page = client.get(reverse("handover:case_open")).content.decode()
    assert 'lang="zh-hans"' in page
    assert "离职" in page


def test_hand_over_with_htmx_returns_only_the_row(client, people, make_case):
    departure = make_case(State.EXECUTING)
    item = first_item(departure)
    client.force_login(people.leaver)
    response = client.post(
        reverse("handover:item_hand_over", args=[departure.pk, item.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li id="item-{item.pk}"')
    assert "<html" not in html
    assert "Handed over" in html
    item.refresh_from_db()
    assert item.state == ItemState.HANDED_OVER


def test_second_tick_with_htmx_shows_the_message_in_the_row(client, people, make_case):
    departure = make_case(State.EXECUTING)
    item = first_item(departure)
    client.force_login(people.leaver)
    url = reverse("handover:item_hand_over", args=[departure.pk, item.pk])
    client.post(url, headers={"HX-Request": "true"})
    response = client.post(url, headers={"HX-Request": "true"})
    assert "is already handed over" in response.content.decode()
    assert departure.events.filter(kind=EventKind.ITEM_HANDED_OVER).count() == 1


def test_hand_over_without_javascript_redirects_to_the_item(client, people, make_case):
    departure = make_case(State.EXECUTING)
    item = first_item(departure)
    client.force_login(people.leaver)
    response = client.post(reverse("handover:item_hand_over", args=[departure.pk, item.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")


def test_action_in_the_wrong_state_shows_a_message_and_changes_nothing(client, people, make_case):
    departure = make_case(State.PREPARING)
    item = first_item(departure)
    client.force_login(people.leaver)
    response = client.post(reverse("handover:item_hand_over", args=[departure.pk, item.pk]), follow=True)
    assert "This cannot be done while the case is “Preparing”." in response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.PENDING


def test_action_urls_answer_get_with_405(client, people, make_case):
    departure = make_case(State.EXECUTING)
    client.force_login(people.leaver)
    response = client.get(reverse("handover:item_hand_over", args=[departure.pk, first_item(departure).pk]))
    assert response.status_code == 405


def test_case_page_names_what_blocks_the_next_step(client, people, make_case):
    departure = make_case(State.PREPARING)
    client.force_login(people.manager)
    page = client.get(reverse("handover:case_detail", args=[departure.pk])).content.decode()
    assert "Blocked until:" in page
    assert "The handover meeting has not taken place yet." in page


def test_timeline_lists_who_did_what(client, people, make_case):
    departure = make_case(State.EXECUTING)
    client.force_login(people.successor_a)
    page = client.get(reverse("handover:case_timeline", args=[departure.pk])).content.decode()
    assert "opened the case" in page
    assert "recorded that the handover meeting took place" in page
    assert people.hr.name in page


def test_signing_from_the_page_with_a_wrong_password_is_refused(client, people, ready_to_sign):
    departure = ready_to_sign()
    client.force_login(people.leaver)
    data = {"password": "nope", "mark": "typed", "typed_name": "Leo", "content_sha256": "x" * 64}
    response = client.post(reverse("handover:case_sign", args=[departure.pk]), data)
    assert "Your password was not correct" in response.content.decode()
    assert not departure.signatures.exists()


def test_a_case_not_ready_to_sign_refuses_before_looking_at_the_password(client, people, make_case):
    """Otherwise the sign form would tell a wrong password from a right one on any case."""
    departure = make_case(State.TRIAL_RUN)
    client.force_login(people.leaver)
    for password in ("nope", people.password):
        data = {"password": password, "mark": "typed", "typed_name": "Leo", "content_sha256": "x" * 64}
        page = client.post(reverse("handover:case_sign", args=[departure.pk]), data).content.decode()
        assert "Some checklist items are not accepted by their successor yet." in page
        assert "Your password was not correct" not in page
    assert not departure.signatures.exists()


def test_case_list_filters_and_search(client, people, make_case):
    from tests.factories import UserFactory

    executing = make_case(State.EXECUTING)
    later = make_case(
        State.PREPARING,
        employee=UserFactory(username="wang", display_name="王小明"),
        last_working_day=timezone.localdate() + timedelta(days=60),
    )
    client.force_login(people.hr)
    url = reverse("handover:case_list")

    def numbers(**query):
        page = client.get(url, query).content.decode()
        return {d.number for d in (executing, later) if d.number in page}

    assert numbers() == {executing.number, later.number}
    assert numbers(state="preparing") == {later.number}
    assert numbers(q="王小") == {later.number}
    assert numbers(q=executing.number) == {executing.number}
    assert numbers(last_day_to=(timezone.localdate() + timedelta(days=40)).isoformat()) == {executing.number}
    assert numbers(department=people.leaver.department_id) == {executing.number}


def test_case_list_with_bad_filter_input_shows_the_error(client, people, make_case):
    executing = make_case(State.EXECUTING)
    client.force_login(people.hr)
    response = client.get(reverse("handover:case_list"), {"last_day_from": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    # A state or a department that does not exist is said beside its field; the filters given
    # right still apply.
    for given in ({"state": "bogus"}, {"department": "99999"}, {"department": "x"}):
        page = client.get(reverse("handover:case_list"), {**given, "q": "nobody"}).content.decode()
        field = next(iter(given))
        assert f'id="id_{field}" aria-invalid="true" aria-describedby="id_{field}_error"' in page
        assert "Select a valid choice." in page
        assert "No case matches." in page and executing.number not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("handover:case_list"), {"state": "bogus"}).content.decode()
    assert "选择一个有效的选项" in page and executing.number in page


def test_my_work_lists_what_is_mine(client, people, make_case):
    departure = make_case(State.EXECUTING)
    client.force_login(people.leaver)
    page = client.get(reverse("handover:my_work")).content.decode()
    assert departure.number in page
    assert "Hand over" in page
    client.force_login(people.stranger)
    assert departure.number not in client.get(reverse("handover:my_work")).content.decode()


def test_language_choice_is_remembered_on_the_user(client, people):
    client.force_login(people.leaver)
    client.post(reverse("set_language"), {"language": "zh-hant", "next": reverse("handover:my_work")})
    people.leaver.refresh_from_db()
    assert people.leaver.language == "zh-hant"
    other_device = type(client)()
    other_device.force_login(people.leaver)
    page = other_device.get(reverse("handover:my_work")).content.decode()
    assert 'lang="zh-hant"' in page
    assert "我的工作" in page


def test_language_switch_refuses_foreign_redirects(client, people):
    client.force_login(people.leaver)
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_hr_edits_the_template_in_the_app(client, people):
    template = ChecklistTemplate.objects.get(language="en", is_default=True)
    client.force_login(people.hr)
    response = client.post(
        reverse("handover:template_detail", args=[template.pk]),
        {
            "add_item": "1",
            "new-module": "finance",
            "new-title": "Platform deposit refunds",
            "new-due_days_before_last_day": "3",
        },
    )
    assert response.status_code == 302
    assert template.items.filter(title="Platform deposit refunds").exists()
    client.force_login(people.leaver)
    # HR's pages do not exist for anyone else (the same 404 as the catalogue and opening a case).
    assert client.get(reverse("handover:template_detail", args=[template.pk])).status_code == 404


def test_login_page_works(client, people):
    response = client.post(reverse("login"), {"username": "leaver", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("handover:my_work")


def test_hr_replaces_a_successor_from_its_own_page(client, people, make_case):
    from tests.factories import UserFactory

    departure = make_case(State.PREPARING)
    module = departure.modules.get(kind="product")
    UserFactory(username="newcomer", display_name="Nia Newcomer")
    url = reverse("handover:set_successor", args=[departure.pk, module.pk])
    client.force_login(people.successor_a)
    assert client.get(url).status_code == 403
    client.force_login(people.hr)
    # The picker shows who takes the module over now, as the suggestions name people.
    assert (
        f'value="{people.successor_a.name} ({people.successor_a.username})'
        in client.get(url).content.decode()
    )
    response = client.post(url, {"successor": people.leaver.username})
    assert "cannot be their own successor" in response.content.decode()
    response = client.post(url, {"successor": "Nia Newcomer (newcomer)"})
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.successor_name == "Nia Newcomer"


def test_timeline_tells_events_as_sentences_and_escapes_what_users_wrote(client, people, make_case):
    from handover import services

    departure = make_case(State.PREPARING)
    module = departure.modules.first()
    services.item_create(
        actor=people.leaver, departure=departure, module=module, title="<script>x()</script>"
    )
    client.force_login(people.manager)
    page = client.get(reverse("handover:case_timeline", args=[departure.pk])).content.decode()
    assert f"<strong>{people.leaver.name}</strong> added “&lt;script&gt;x()&lt;/script&gt;”" in page
    assert "<script>x()" not in page
    assert f"<strong>{people.hr.name}</strong> moved the case from “Intent confirmed” to “Preparing”" in page


def test_when_only_time_blocks_the_next_step_the_page_says_from_when(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    client.force_login(people.hr)
    page = client.get(reverse("handover:case_detail", args=[departure.pk])).content.decode()
    first_day = departure.support_until + timedelta(days=1)
    assert "Nobody needs to act now: this step can be taken from" in page
    assert formatting.day(first_day) in page


def test_an_item_action_in_place_asks_the_page_to_refresh_its_next_step(client, people, make_case):
    departure = make_case(State.EXECUTING)
    item = departure.modules.get(kind="product").items.first()
    client.force_login(people.leaver)
    response = client.post(
        reverse("handover:item_hand_over", args=[departure.pk, item.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "handover-changed"
    assert 'class="badge item-handed_over"' in response.content.decode()
    module = item.module
    for url in (
        reverse("handover:case_modules", args=[departure.pk]),
        reverse("handover:case_module", args=[departure.pk, module.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'hx-trigger="handover-changed from:body"' in page
        assert f"#module-state-{module.pk}" in page
        # What the listener asks for: the section alone, with the module's progress in it.
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in fragment and f'id="module-state-{module.pk}"' in fragment


def test_a_refused_meeting_record_keeps_what_was_typed(client, people, make_case):
    departure = make_case(State.PREPARING)
    services.meeting_schedule(
        actor=people.manager, departure=departure, scheduled_at=timezone.now(), location="Room 4"
    )
    client.force_login(people.manager)
    early = timezone.localtime() - timedelta(days=1)
    response = client.post(
        reverse("handover:meeting_record", args=[departure.pk]),
        {"held_at": early.strftime("%Y-%m-%dT%H:%M"), "minutes": "Prices are the main risk."},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "after the time you entered" in page
    assert "Prices are the main risk." in page


def test_pages_for_changes_a_case_no_longer_allows_say_so_instead_of_a_form(client, people, make_case):
    departure = make_case(State.SIGNED_OFF)
    client.force_login(people.hr)
    for name in ("case_edit", "module_add"):
        page = client.get(reverse(f"handover:{name}", args=[departure.pk])).content.decode()
        assert 'role="alert"' in page
        assert "<form" not in page.split("<main", 1)[1]


def test_an_item_refused_comes_back_with_what_was_typed_and_why(client, people, make_case):
    departure = make_case(State.EXECUTING)
    module = departure.modules.get(kind="product")
    client.force_login(people.leaver)
    url = reverse("handover:item_add", args=[departure.pk, module.pk])
    field = f"m{module.pk}-"
    typed = {f"{field}title": "Refund rules", f"{field}steps": "Open the refund queue"}
    response = client.post(url, {**typed, f"{field}evidence_url": "http://wiki/sop"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Add an item to Product management" in page and "Enter a valid URL." in page
    assert 'value="Refund rules"' in page and "Open the refund queue</textarea>" in page
    assert not module.items.filter(title="Refund rules").exists()
    assert client.post(url, typed).status_code == 302
    assert module.items.filter(title="Refund rules").exists()
