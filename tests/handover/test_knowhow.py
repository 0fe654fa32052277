"""Know-how: each module's operation manual, written by the leaver in Markdown (rendered safely),
started from the items, kept in versions with who changed what, enriched from a lesson or an
aftercare answer with one click, printable, and readable after the case closes by whoever holds
that module in the department."""

import pytest
from django.urls import reverse
from django.utils import translation

from handover import manuals, services
from handover.errors import HandoverError
from handover.models import EventKind, Manual, ManualRevision, State
from tests.conftest import advance
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name, departure, module, *args):
    return reverse(f"handover:{name}", args=[departure.pk, module.pk, *args])


def product_of(departure):
    return departure.modules.get(kind="product")


def save(client, departure, module, body, base, note=""):
    return client.post(
        url("manual_edit", departure, module), {"body": body, "base_version": base, "note": note}
    )


@pytest.mark.parametrize(
    ("markdown", "absent", "present"),
    [
        ("<script>alert(1)</script>", "<script", "&lt;script&gt;"),
        ("<img src=x onerror=alert(1)>", "<img", "&lt;img src=x onerror=alert(1)&gt;"),
        ("[click](javascript:alert(1))", 'href="javascript', "[click](javascript:alert(1))"),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", 'href="data', "[data]"),
        ("[far](//evil.example/x)", 'href="//', "[far]"),
        (
            "![pixel](https://tracker.example/p.png)",
            "<img",
            '<a href="https://tracker.example/p.png">pixel</a>',
        ),
        ("[ok](https://shop.example/help) **bold**", "&lt;", '<a href="https://shop.example/help">ok</a>'),
    ],
)
def test_markdown_is_rendered_without_raw_html_scripts_or_unsafe_links(markdown, absent, present):
    html = str(manuals.render(markdown))
    assert absent not in html
    assert present in html


def test_the_leaver_writes_the_manual_from_the_items_and_each_save_is_a_version(client, people, make_case):
    departure = make_case(State.EXECUTING)
    module = product_of(departure)
    item = module.items.order_by("position").first()
    item.steps, item.cautions = "Open the listing tool.", "Never bulk-delete live listings."
    item.save()
    client.force_login(people.leaver)

    form = client.get(url("manual_edit", departure, module)).content.decode()
    assert f"## {item.title}" in form and "Open the listing tool." in form and "Never bulk-delete" in form
    assert (
        save(client, departure, module, f"# Listings\n\n## {item.title}\nOpen the tool.", 0).status_code
        == 302
    )
    assert (
        save(
            client, departure, module, "# Listings\n\nOpen the tool, then **check prices**.", 1, "Prices"
        ).status_code
        == 302
    )

    manual = Manual.objects.get(module=module)
    assert (manual.version, manual.updated_by_name) == (2, "Leo Leaver")
    assert list(manual.revisions.values_list("number", "note", "author_name")) == [
        (2, "Prices", "Leo Leaver"),
        (1, "", "Leo Leaver"),
    ]
    page = client.get(url("module_manual", departure, module)).content.decode()
    assert "<strong>check prices</strong>" in page and "version 2, changed by Leo Leaver" in page
    changes = client.get(url("manual_version", departure, module, 2)).content.decode()
    assert "<ins>" in changes and "check prices" in changes and "<del>" in changes
    assert departure.events.filter(kind=EventKind.MANUAL_CHANGED, actor=people.leaver).count() == 2
    # On the timeline, the module by its name in the reader's language (not the data kept).
    timeline = client.get(reverse("handover:case_timeline", args=[departure.pk])).content.decode()
    assert "changed the operation manual of Product management" in timeline and '{"module"' not in timeline
    assert (
        "Read the manual"
        in client.get(reverse("handover:case_module", args=[departure.pk, module.pk])).content.decode()
    )


def test_a_save_over_someone_elses_newer_version_overwrites_nothing_and_keeps_the_text(
    client, people, make_case
):
    departure = make_case(State.EXECUTING)
    module = product_of(departure)
    services.manual_save(
        actor=people.leaver, departure=departure, module_id=module.pk, body="First", base_version=0
    )
    services.manual_save(
        actor=people.successor_a, departure=departure, module_id=module.pk, body="Second", base_version=1
    )
    client.force_login(people.leaver)
    refused = save(client, departure, module, "My long careful rewrite", 1)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Sam Successor saved version 2 of this manual after you opened it" in text
    assert "My long careful rewrite" in text
    # The manual as it is now is shown to compare with, and the form is now based on it.
    assert "What changed since you opened it (now version 2, by Sam Successor)" in text
    assert "- First</del>" in text and "+ Second</ins>" in text
    assert 'name="base_version" value="2"' in text
    assert Manual.objects.get(module=module).body == "Second"
    assert save(client, departure, module, "My long careful rewrite", 2).status_code == 302
    assert Manual.objects.get(module=module).body == "My long careful rewrite"


def test_bad_text_gets_a_clear_error_and_no_version(client, people, make_case):
    departure = make_case(State.EXECUTING)
    module = product_of(departure)
    client.force_login(people.leaver)
    refusals = {
        "   ": "This field is required.",
        "bell\x07in the text": "invisible control characters",
        "x" * 100_001: "at most 100000 characters",
    }
    for body, why in refusals.items():
        page = save(client, departure, module, body, 0, note="Kept note").content.decode()
        assert why in page and "Kept note" in page
    assert not ManualRevision.objects.exists()
    with pytest.raises(HandoverError, match="control characters"):
        services.manual_save(
            actor=people.leaver, departure=departure, module_id=module.pk, body="a\x00b", base_version=0
        )


def test_a_lesson_and_an_aftercare_answer_go_into_the_manual_with_one_click(client, people, make_case):
    departure = make_case(State.AFTERCARE)
    module = product_of(departure)
    lesson = services.lesson_add(
        actor=people.successor_a,
        departure=departure,
        module_id=module.pk,
        went_wrong="A price typo sold stock at a loss.",
        solved="Prices are now checked by a second person.",
    )
    question = services.question_ask(
        actor=people.successor_a,
        departure=departure,
        module_id=module.pk,
        question="Where is the price list?",
    )
    unanswered = services.question_ask(
        actor=people.manager,
        departure=departure,
        module_id=module.pk,
        question="Who is the supplier contact?",
    )
    services.question_answer(
        actor=people.leaver, departure=departure, question_id=question.pk, answer="Shared drive /prices."
    )
    client.force_login(people.successor_a)
    page = client.get(url("module_manual", departure, module)).content.decode()
    assert "A price typo" in page and "Where is the price list?" in page and "Who is the supplier" not in page

    client.post(url("manual_enrich", departure, module, "lesson", lesson.pk))
    client.post(url("manual_enrich", departure, module, "answer", question.pk))
    manual = Manual.objects.get(module=module)
    assert manual.version == 2
    assert "A price typo sold stock at a loss." in manual.body and "Shared drive /prices." in manual.body
    first, second = manual.revisions.order_by("number")
    assert (
        first.lesson == lesson
        and first.description == "Added the lesson “A price typo sold stock at a loss.”"
    )
    assert (
        second.question == question and second.description == "Added the answer to “Where is the price list?”"
    )
    # Each reader reads what was taken in in their own language.
    with translation.override("zh-hans"):
        assert first.description == "加入了经验教训“A price typo sold stock at a loss.”"
    # Started from the items, since no manual was written before.
    assert module.items.first().title in manual.body

    again = client.post(url("manual_enrich", departure, module, "lesson", lesson.pk), follow=True)
    assert "This is already in the manual." in again.content.decode()
    refused = client.post(url("manual_enrich", departure, module, "answer", unanswered.pk), follow=True)
    assert "Only an answered question" in refused.content.decode()
    assert Manual.objects.get(module=module).version == 2
    page = client.get(url("module_manual", departure, module)).content.decode()
    assert "Not yet in the manual" not in page


def test_who_writes_who_reads_and_who_gets_nothing(client, people, make_case):
    departure = make_case(State.EXECUTING)
    module = product_of(departure)
    services.manual_save(
        actor=people.leaver, departure=departure, module_id=module.pk, body="# How", base_version=0
    )
    # The department head and the other module's successor read, but do not write.
    for reader in (people.head, people.successor_b, people.hr):
        client.force_login(reader)
        page = client.get(url("module_manual", departure, module)).content.decode()
        assert "<h1>How</h1>" in page and "Edit the manual" not in page
        assert save(client, departure, module, "Changed", 1).status_code == 403
    client.force_login(people.stranger)
    for name, args in [
        ("module_manual", ()),
        ("manual_edit", ()),
        ("manual_print", ()),
        ("manual_history", ()),
        ("manual_version", (1,)),
    ]:
        assert client.get(url(name, departure, module, *args)).status_code == 404
    assert client.post(url("manual_enrich", departure, module, "lesson", 1)).status_code == 404
    assert Manual.objects.get(module=module).version == 1


def test_after_the_case_closes_whoever_holds_the_module_in_the_department_reads_its_manual(
    client, people, make_case
):
    departure = make_case(State.TRIAL_RUN)
    product = product_of(departure)
    orders = departure.modules.get(kind="orders")
    for module in (product, orders):
        services.manual_save(
            actor=people.leaver,
            departure=departure,
            module_id=module.pk,
            body=f"# {module.kind}",
            base_version=0,
        )
    # Later, Sam (who took over product) leaves too; Nia takes the product work over from him.
    people.successor_a.department = people.leaver.department
    people.successor_a.save()
    nia = UserFactory(username="nia", display_name="Nia Next", department=people.leaver.department)
    sam_leaves = make_case(employee=people.successor_a, successors={"product": nia})
    assert sam_leaves.department == departure.department
    client.force_login(nia)
    assert client.get(url("module_manual", departure, product)).status_code == 404

    advance(departure, people, State.CLOSED)
    assert client.get(url("module_manual", departure, product)).status_code == 200
    assert client.get(url("manual_print", departure, product)).status_code == 200
    assert client.get(url("module_manual", departure, orders)).status_code == 404
    assert client.get(reverse("handover:case_detail", args=[departure.pk])).status_code == 404
    library = client.get(reverse("handover:manual_library")).content.decode()
    assert (
        url("module_manual", departure, product) in library
        and url("module_manual", departure, orders) not in library
    )
    # The later holder reads only: writing is not theirs, and what may be added is not even shown.
    assert save(client, departure, product, "Nia's change", 1).status_code == 403
    assert client.post(url("manual_enrich", departure, product, "lesson", 1)).status_code == 404
    # Closed: read-only for everyone; the leaver's refused text stays in the form, with why.
    client.force_login(people.leaver)
    refused = save(client, departure, product, "Late change", 1).content.decode()
    assert "Operation manuals are written from the preparation to the end of aftercare." in refused
    assert "Late change" in refused
    assert Manual.objects.get(module=product).version == 1


def test_the_printable_manual_and_the_library_search(client, people, make_case):
    departure = make_case(State.EXECUTING)
    module = product_of(departure)
    client.force_login(people.leaver)
    assert client.get(url("manual_print", departure, module)).status_code == 404
    services.manual_save(
        actor=people.leaver,
        departure=departure,
        module_id=module.pk,
        body="# Listings\n\nRefund **rules**",
        base_version=0,
    )
    printed = client.get(url("manual_print", departure, module)).content.decode()
    assert "print.css" in printed and "<strong>rules</strong>" in printed and 'class="site"' not in printed
    found = client.get(
        reverse("handover:manual_library"), {"q": "refund", "module": "product"}
    ).content.decode()
    assert url("module_manual", departure, module) in found
    missed = client.get(reverse("handover:manual_library"), {"q": "warehouse\x00"}).content.decode()
    assert url("module_manual", departure, module) not in missed
    client.force_login(people.stranger)
    assert (
        url("module_manual", departure, module)
        not in client.get(reverse("handover:manual_library")).content.decode()
    )
