"""People pickers: suggestions as one types (HR only), and what a typed or picked value means."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from handover import services
from handover.errors import HandoverError
from handover.forms import CaseEditForm, PersonField, SuccessorForm, person_label
from handover.models import State
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(db):
    """Forty employees, two of them called Ming Li, and one who left."""
    UserFactory.create_batch(40)
    first = UserFactory(username="mingli", display_name="Ming Li", job_title="Store manager")
    second = UserFactory(username="mli2", display_name="Ming Li", job_title="Buyer")
    gone = UserFactory(username="gone", display_name="Gina Gone", is_active=False)
    return first, second, gone


def suggest(client, text: str, field: str = "successor", group: str = "") -> str:
    query = {"field": field, field: text, **({"group": group} if group else {})}
    response = client.get(reverse("handover:people_search"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_hr_gets_suggestions_by_any_part_of_a_name_username_mail_or_title(client, people, crowd):
    first, second, _gone = crowd
    client.force_login(people.hr)
    page = suggest(client, "ming")
    assert person_label(first) in page and person_label(second) in page
    assert "Gina Gone" not in suggest(client, "gina")
    assert person_label(first) in suggest(client, "store  man")
    assert person_label(second) in suggest(client, "mli2@example")
    assert "<option" not in suggest(client, "")
    # At most fifteen, however many match.
    assert suggest(client, "e").count("<option") == 15


def test_the_hr_owner_picker_suggests_only_hr(client, people, crowd):
    client.force_login(people.hr)
    assert people.hr.name in suggest(client, people.hr.name[:3], "hr_owner", Role.HR)
    assert "Ming Li" not in suggest(client, "ming", "hr_owner", Role.HR)


@pytest.mark.parametrize("role", ["manager", "leaver", "successor_a", "head", "stranger"])
def test_nobody_but_hr_may_search_people(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(reverse("handover:people_search"), {"field": "q", "q": "a"}).status_code == 404


def test_a_value_is_a_picked_label_a_username_a_mail_or_a_unique_full_name(crowd):
    first, second, _gone = crowd
    field = PersonField(label="Successor")
    assert field.clean(person_label(first)) == first
    assert field.clean(f"Ming Li ({second.username})") == second
    assert field.clean("MINGLI") == first
    assert field.clean("mli2@example.com") == second
    with pytest.raises(ValidationError, match="Several people match “Ming Li”"):
        field.clean("Ming Li")
    with pytest.raises(ValidationError, match="Nobody active matches “gone”"):
        field.clean("gone")
    with pytest.raises(ValidationError, match="Nobody active matches"):
        field.clean("Gina Gone (gone)")


def test_forms_show_the_current_person_as_a_label(people):
    form = SuccessorForm(initial={"successor": people.successor_a.pk})
    assert f'value="{person_label(people.successor_a)}"' in str(form["successor"])
    edit = CaseEditForm(initial={"hr_owner": people.hr.pk, "manager": people.manager.pk})
    assert f'value="{person_label(people.hr)}"' in str(edit["hr_owner"])
    # The box asks for suggestions as one types and offers them as a native list.
    html = str(edit["manager"])
    assert 'list="id_manager-people"' in html and '<datalist id="id_manager-people">' in html
    assert 'hx-trigger="input changed delay:250ms"' in html


def test_the_hr_owner_must_be_in_hr(people):
    form = CaseEditForm(
        {
            "manager": people.manager.username,
            "hr_owner": people.manager.username,
            "last_working_day": "2026-12-31",
            "support_until": "2027-01-31",
        }
    )
    assert not form.is_valid()
    assert "Nobody active matches" in form.errors["hr_owner"][0]


def test_a_successor_must_be_active_not_the_leaver_nor_the_manager(make_case, people, crowd):
    _first, _second, gone = crowd
    departure = make_case(State.PREPARING)
    module = departure.modules.get(kind="product")
    for successor, message in [
        (gone, "Gina Gone is no longer active"),
        (people.leaver, "cannot be their own successor"),
        (people.manager, "cannot also be a successor"),
    ]:
        with pytest.raises(HandoverError, match=message):
            services.module_set_successor(
                actor=people.hr, departure=departure, module=module, successor=successor
            )


def test_opening_a_case_with_typed_people(client, people, default_templates):
    client.force_login(people.hr)
    response = client.post(
        reverse("handover:case_open"),
        {
            "employee": person_label(people.leaver),
            "manager": people.manager.email,
            "reason_category": "career",
            "notice_date": "2026-11-01",
            "last_working_day": "2026-12-01",
            "language": "en",
            "include_product": "on",
            "successor_product": "nobody-like-this",
        },
    )
    page = response.content.decode()
    assert "Nobody active matches “nobody-like-this”" in page
    # What was typed stays in the boxes, even when it looks like a number.
    assert f'value="{person_label(people.leaver)}"' in page and 'value="nobody-like-this"' in page
    response = client.post(reverse("handover:case_open"), {"employee": str(people.manager.pk)})
    assert f'value="{people.manager.pk}"' in response.content.decode()
