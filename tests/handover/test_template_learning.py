"""A checklist that learns: a closing case proposes what it taught (items the leaver added that the
template lacks, lessons, aftercare questions); HR takes them into a new version of the template or
declines them; every change of a template is a version; a case records the version it started from,
and quality is compared per version."""

import pytest
from django.urls import reverse

from handover import selectors, services
from handover.errors import HandoverError
from handover.models import (
    ChecklistTemplate,
    EventKind,
    ProposalSource,
    ProposalState,
    State,
    TemplateItem,
    TemplateProposal,
)
from handover.services import templates as template_services
from tests.conftest import advance

pytestmark = pytest.mark.django_db


def template_page(template):
    return reverse("handover:template_detail", args=[template.pk])


@pytest.fixture
def taught(people, make_case):
    """A case in aftercare that taught three things about product: an item the leaver added, a lesson
    about an item of the template, and an answered question about the module."""
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    services.item_create(
        actor=people.leaver,
        departure=departure,
        module=product,
        title="Renew the brand registry",
        steps="Upload the trademark certificate.",
    )
    known = product.items.order_by("position").first()
    services.lesson_add(
        actor=people.manager,
        departure=departure,
        module_id=product.pk,
        item_id=known.pk,
        went_wrong="A listing went live without a price check.",
        solved="A second person checks prices.",
        watch="Check prices before publishing.",
    )
    departure = advance(departure, people, State.AFTERCARE)
    question = services.question_ask(
        actor=people.successor_a,
        departure=departure,
        module_id=product.pk,
        question="Where are supplier prices kept?",
    )
    services.question_answer(
        actor=people.leaver, departure=departure, question_id=question.pk, answer="In the Prices sheet."
    )
    return departure, known


def test_closing_a_case_proposes_what_it_taught_once(people, make_case, taught):
    departure, known = taught
    template = departure.template
    assert (departure.template_version, template.version) == (1, 1)
    advance(departure, people, State.CLOSED)
    proposals = {p.source: p for p in TemplateProposal.objects.filter(template=template)}
    assert set(proposals) == {ProposalSource.ITEM, ProposalSource.LESSON, ProposalSource.QUESTION}
    assert proposals[ProposalSource.ITEM].title == "Renew the brand registry"
    assert proposals[ProposalSource.ITEM].steps == "Upload the trademark certificate."
    assert proposals[ProposalSource.LESSON].target == TemplateItem.objects.get(
        template=template, title=known.title
    )
    assert proposals[ProposalSource.LESSON].cautions == "Check prices before publishing."
    assert proposals[ProposalSource.QUESTION].target is None
    assert proposals[ProposalSource.QUESTION].title == "Where are supplier prices kept?"
    assert proposals[ProposalSource.QUESTION].steps == "In the Prices sheet."
    assert departure.events.filter(kind=EventKind.TEMPLATE_PROPOSED, subject="3").exists()

    # A second case that adds the same item does not propose it again while the first waits.
    second = make_case(State.EXECUTING)
    product = second.modules.get(kind="product")
    services.item_create(
        actor=people.leaver, departure=second, module=product, title="renew the  Brand Registry"
    )
    advance(second, people, State.CLOSED)
    assert TemplateProposal.objects.filter(template=template, source=ProposalSource.ITEM).count() == 1


def test_hr_takes_proposals_into_a_new_version_and_new_cases_start_from_it(client, people, make_case, taught):
    departure, known = taught
    advance(departure, people, State.CLOSED)
    template = ChecklistTemplate.objects.get(pk=departure.template_id)
    item, lesson, question = (
        TemplateProposal.objects.get(source=source)
        for source in (ProposalSource.ITEM, ProposalSource.LESSON, ProposalSource.QUESTION)
    )
    client.force_login(people.hr)
    page = client.get(template_page(template)).content.decode()
    assert "Proposed changes from closed cases" in page and "Renew the brand registry" in page
    assert f"<title>{template.name} · Handover</title>" in page
    assert "3 changes wait for your decision" in page
    assert "3 waiting" in client.get(reverse("handover:template_list")).content.decode()
    work = client.get(reverse("handover:my_work")).content.decode()
    assert f"Decide on 3 changes proposed for “{template.name}”" in work

    decided = client.post(
        template_page(template),
        {
            "decide": "1",
            f"proposal-{item.pk}": "accept",
            f"proposal-{lesson.pk}": "accept",
            f"proposal-{question.pk}": "decline",
        },
        follow=True,
    )
    assert "The template is now at version 2." in decided.content.decode()
    template.refresh_from_db()
    assert template.version == 2
    added = TemplateItem.objects.get(template=template, title="Renew the brand registry")
    assert (added.module, added.steps) == ("product", "Upload the trademark certificate.")
    target = TemplateItem.objects.get(template=template, title=known.title)
    assert target.cautions.endswith("Check prices before publishing.")
    assert not TemplateItem.objects.filter(template=template, title__startswith="Where are supplier").exists()
    states = dict(TemplateProposal.objects.values_list("pk", "state"))
    assert states == {
        item.pk: ProposalState.ACCEPTED,
        lesson.pk: ProposalState.ACCEPTED,
        question.pk: ProposalState.DECLINED,
    }
    assert TemplateProposal.objects.get(pk=item.pk).version == 2
    history = client.get(template_page(template)).content.decode()
    assert "Version 2" in history and "Took in proposed changes: “Renew the brand registry”" in history
    assert "Proposed changes from closed cases" not in history

    newer = make_case()
    assert newer.template_version == 2
    assert newer.modules.get(kind="product").items.filter(title="Renew the brand registry").exists()


def test_nothing_ticked_or_both_is_refused_and_others_never_see_the_proposals(client, people, taught):
    departure, _known = taught
    advance(departure, people, State.CLOSED)
    template = ChecklistTemplate.objects.get(pk=departure.template_id)
    proposal = TemplateProposal.objects.first()
    client.force_login(people.hr)
    refused = client.post(template_page(template), {"decide": "1"})
    assert "Tick at least one proposed change" in refused.content.decode()
    with pytest.raises(HandoverError, match="either accepted or declined"):
        template_services.template_proposals_decide(
            actor=people.hr, template=template, accept=[proposal.pk], decline=[proposal.pk]
        )
    for outsider in (people.manager, people.leaver, people.head, people.stranger):
        client.force_login(outsider)
        assert client.get(template_page(template)).status_code == 404
        assert (
            client.post(
                template_page(template), {"decide": "1", f"proposal-{proposal.pk}": "accept"}
            ).status_code
            == 404
        )
    assert TemplateProposal.objects.filter(state=ProposalState.OPEN).count() == 3
    assert ChecklistTemplate.objects.get(pk=template.pk).version == 1


def test_every_edit_of_a_template_is_a_version_with_who_and_what(client, people):
    template = ChecklistTemplate.objects.get(language="en", is_default=True)
    item = template.items.first()
    client.force_login(people.hr)
    client.post(
        reverse("handover:template_item_edit", args=[template.pk, item.pk]),
        {"module": item.module, "title": "Renamed step", "due_days_before_last_day": 3},
    )
    client.post(
        template_page(template),
        {
            "add_item": "1",
            "new-module": "orders",
            "new-title": "Check the refund queue",
            "new-due_days_before_last_day": 2,
        },
    )
    template.refresh_from_db()
    assert template.version == 3
    assert [v.sentence for v in template.versions.order_by("number")] == [
        "Changed “Renamed step”",
        "Added “Check the refund queue”",
    ]
    assert set(template.versions.values_list("author_name", flat=True)) == {"Hana HR"}


def test_quality_is_averaged_per_template_version(people, make_case):
    first = make_case(State.CLOSED)
    template_services.template_item_save(
        actor=people.hr, item=TemplateItem(template=first.template, module="product", title="New step")
    )
    second = make_case(State.CLOSED)
    assert (first.template_version, second.template_version) == (1, 2)
    labels = [row.label for row in selectors.quality_by_template()]
    assert labels == [f"{first.template.name}, version 1", f"{first.template.name}, version 2"]


def test_a_refused_decision_keeps_what_hr_ticked(client, people, taught):
    departure, _known = taught
    advance(departure, people, State.CLOSED)
    template = ChecklistTemplate.objects.get(pk=departure.template_id)
    first, second = TemplateProposal.objects.order_by("pk")[:2]
    client.force_login(people.hr)
    fresh = client.get(template_page(template)).content.decode()
    assert f'name="proposal-{first.pk}" value="" checked' in fresh
    refused = client.post(
        template_page(template),
        {"decide": "1", f"proposal-{first.pk}": "maybe", f"proposal-{second.pk}": "accept"},
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert TemplateProposal.objects.filter(state=ProposalState.OPEN).count() == 3
    assert f'name="proposal-{second.pk}" value="accept" checked' in page
    assert f'name="proposal-{second.pk}" value="" checked' not in page
    assert f"{first.title}: Select a valid choice." in page


def test_two_changes_to_one_item_both_land_and_a_lesson_joins_the_new_item_it_is_about(people, make_case):
    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    known = product.items.filter(from_template=True).order_by("position").first()
    added = services.item_create(
        actor=people.leaver, departure=departure, module=product, title="Brand registry"
    )
    for watch in ("Check prices first.", "Check stock first."):
        services.lesson_add(
            actor=people.manager,
            departure=departure,
            module_id=product.pk,
            item_id=known.pk,
            went_wrong="Went live too early.",
            solved="A second person checks.",
            watch=watch,
        )
    services.lesson_add(
        actor=people.manager,
        departure=departure,
        module_id=product.pk,
        item_id=added.pk,
        went_wrong="The registry lapsed.",
        solved="Renewed.",
        watch="Renew a month early.",
    )
    advance(departure, people, State.CLOSED)
    template = ChecklistTemplate.objects.get(pk=departure.template_id)
    proposals = TemplateProposal.objects.filter(template=template)
    [new_item] = [p for p in proposals if p.target is None]
    assert (new_item.title, new_item.cautions) == ("Brand registry", "Renew a month early.")
    template_services.template_proposals_decide(
        actor=people.hr, template=template, accept=[p.pk for p in proposals], decline=[]
    )
    target = TemplateItem.objects.get(template=template, title=known.title)
    assert target.cautions.endswith("Check prices first.\nCheck stock first.")
    assert (
        TemplateItem.objects.get(template=template, title="Brand registry").cautions == "Renew a month early."
    )


def test_items_of_cases_opened_before_the_origin_was_kept_are_known_by_their_title(people, make_case):
    import importlib

    from django.apps import apps as django_apps

    from handover.models import ChecklistItem

    departure = make_case(State.EXECUTING)
    product = departure.modules.get(kind="product")
    services.item_create(actor=people.leaver, departure=departure, module=product, title="Brand registry")
    ChecklistItem.objects.update(from_template=False)
    migration = importlib.import_module("handover.migrations.0023_item_origin_and_manual_additions")
    migration.items_copied_from_their_template(django_apps, None)
    assert list(ChecklistItem.objects.filter(from_template=False).values_list("title", flat=True)) == [
        "Brand registry"
    ]
    assert (
        ChecklistItem.objects.filter(from_template=True).count()
        == departure.template.items.filter(module__in=departure.modules.values("kind")).count()
    )
