"""Lessons learned: what went wrong, how it was solved and what to watch, noted against a module or
an item by the leaver, the manager or the module's successor; on the module's page, linked from the
item, in the sealed confirmation when noted before the sign-off."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from handover import services
from handover.documents.storage import document_storage
from handover.errors import HandoverError
from handover.models import EventKind, Lesson, SignerRole, State
from tests.conftest import advance

pytestmark = pytest.mark.django_db

REFUNDS = "Refund reviews took three days."
SOLVED = "Finance gave the team refund permissions and a one-step approval."
WATCH = "Check the approval queue every morning."


def note(departure, author, module_kind="product", item=None, **texts) -> Lesson:
    module = departure.modules.get(kind=module_kind)
    return services.lesson_add(
        actor=author,
        departure=departure,
        module_id=module.pk,
        item_id=item.pk if item is not None else None,
        went_wrong=texts.get("went_wrong", REFUNDS),
        solved=texts.get("solved", SOLVED),
        watch=texts.get("watch", WATCH),
    )


def test_the_team_of_a_module_notes_lessons_and_others_may_not(people, make_case):
    departure = make_case(State.PREPARING)
    item = departure.modules.get(kind="product").items.first()
    for author in (people.leaver, people.manager, people.successor_a):
        lesson = note(departure, author, item=item)
        assert lesson.author_name == author.name and lesson.in_confirmation
    for outsider in (people.hr, people.successor_b, people.head):
        with pytest.raises(PermissionDenied):
            note(departure, outsider)
    assert departure.events.filter(kind=EventKind.LESSON_ADDED).count() == 3


def test_a_lesson_needs_what_went_wrong_and_how_it_was_solved(people, make_case):
    departure = make_case(State.PREPARING)
    with pytest.raises(HandoverError, match=r"Say what went wrong and how it was solved\."):
        note(departure, people.leaver, solved="  ")
    with pytest.raises(HandoverError, match=r"Keep each part under 4,000 characters\."):
        note(departure, people.leaver, watch="x" * 4001)
    assert not Lesson.objects.exists()


def test_lessons_are_noted_until_the_end_of_aftercare_and_after_the_sign_off_are_not_sealed(
    people, make_case
):
    with pytest.raises(HandoverError, match="from the preparation to the end of aftercare"):
        note(make_case(State.INTENT_CONFIRMED), people.leaver)
    departure = make_case(
        State.AFTERCARE, employee=people.stranger, successors={"product": people.successor_a}
    )
    late = note(departure, people.successor_a)
    assert not late.in_confirmation
    departure = advance(departure, people, State.CLOSED)
    with pytest.raises(HandoverError, match="from the preparation to the end of aftercare"):
        note(departure, people.successor_a)


def test_only_the_author_takes_a_lesson_back_and_only_before_the_sign_off(people, make_case):
    departure = make_case(State.EXECUTING)
    lesson = note(departure, people.leaver)
    with pytest.raises(PermissionDenied):
        services.lesson_remove(actor=people.manager, departure=departure, lesson_id=lesson.pk)
    services.lesson_remove(actor=people.leaver, departure=departure, lesson_id=lesson.pk)
    assert not Lesson.objects.exists()
    assert departure.events.filter(kind=EventKind.LESSON_REMOVED, subject=REFUNDS).exists()


def test_a_lesson_noted_after_a_signature_voids_it(people, ready_to_sign):
    departure = ready_to_sign()
    services.departure_sign(actor=people.leaver, departure=departure, password=people.password)
    note(departure, people.successor_a)
    signature = departure.signatures.get(role=SignerRole.LEAVER)
    assert signature.voided_at is not None


def test_the_module_page_shows_the_lessons_and_the_item_links_to_its_own(client, people, make_case):
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    item = product.items.first()
    lesson = note(departure, people.leaver, item=item)
    client.force_login(people.successor_a)
    page_url = reverse("handover:case_module", args=[departure.pk, product.pk])
    page = client.get(page_url).content.decode()
    assert REFUNDS in page and SOLVED in page and WATCH in page
    assert f'href="#lesson-{lesson.pk}"' in page and f'id="lesson-{lesson.pk}"' in page
    assert f"About “{item.title}”" in page
    assert reverse("handover:lesson_add", args=[departure.pk, product.pk]) in page
    # Only its author is offered to take it back.
    assert reverse("handover:lesson_remove", args=[departure.pk, product.pk, lesson.pk]) not in page

    response = client.post(
        reverse("handover:lesson_add", args=[departure.pk, product.pk]),
        {"item": "", "went_wrong": "Stock counts drifted.", "solved": "Counted weekly.", "watch": ""},
    )
    assert response["Location"].startswith(page_url)
    assert Lesson.objects.filter(item=None, author=people.successor_a).exists()


def test_the_form_refuses_empty_or_hostile_text_and_keeps_nothing(client, people, make_case):
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    client.force_login(people.leaver)
    url = reverse("handover:lesson_add", args=[departure.pk, product.pk])
    for data in ({"went_wrong": "", "solved": "x"}, {"went_wrong": "a\x07", "solved": "x"}):
        page = client.post(url, data, follow=True).content.decode()
        assert 'role="alert"' in page or "message error" in page
    other = departure.modules.get(kind="orders").items.first()
    client.post(url, {"item": other.pk, "went_wrong": "a", "solved": "b"})
    assert not Lesson.objects.exists()


def test_the_sealed_confirmation_carries_the_lessons_noted_before_the_sign_off(people, ready_to_sign):
    departure = ready_to_sign()
    item = departure.modules.get(kind="product").items.first()
    note(departure, people.leaver, item=item)
    for signer in (people.leaver, people.successor_a, people.successor_b, people.manager):
        services.departure_sign(actor=signer, departure=departure, password=people.password)
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Lessons learned" in text
    assert REFUNDS in text and SOLVED in text and WATCH in text
