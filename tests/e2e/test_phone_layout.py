"""On a phone (390 px wide, Chromium) no page scrolls sideways, no table is wider than the screen
and no cell is clipped or squeezed into a narrow strip of wrapped text: measured in the browser,
page by page, for the people who open them."""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from handover import services
from handover.models import State
from handover.services.templates import template_proposals_make
from tests.e2e.test_accessibility import add_inventory, note_check_in_and_lesson, signed_off_with_two_versions
from tests.factories import section_paths

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390

# What overflows, measured on the rendered page: the page itself, a table's scrolling box, each
# visible cell (content wider than the cell, or a long text squeezed under 4 em).
OVERFLOW = """() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) found.push(`page is ${root.scrollWidth}px wide`);
  const em = parseFloat(getComputedStyle(document.body).fontSize);
  const name = (el) => el.textContent.trim().replace(/\\s+/g, " ").slice(0, 50);
  for (const box of document.querySelectorAll("main .table-wrap")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      const caption = box.querySelector("caption");
      found.push(`table wider than the screen: ${caption ? name(caption) : name(box)}`);
    }
  }
  for (const cell of document.querySelectorAll("main td, main th")) {
    const rect = cell.getBoundingClientRect();
    if (!rect.width || getComputedStyle(cell).visibility === "hidden") continue;
    if (rect.right > root.clientWidth + 1) found.push(`cell past the screen's edge: ${name(cell)}`);
    if (cell.scrollWidth > cell.clientWidth + 1) found.push(`cell clipped: ${name(cell)}`);
    if (name(cell).length > 12 && rect.width < 4 * em) found.push(`cell squeezed to a strip: ${name(cell)}`);
  }
  return found;
}"""


def overflowing(page: Page, path: str) -> list[str]:
    page.goto(path)
    return [f"{path}: {problem}" for problem in page.evaluate(OVERFLOW)]


def test_no_page_overflows_on_a_phone(log_in, people, make_case, default_templates, documents_dir):
    departure = make_case(State.EXECUTING)
    add_inventory(departure, people)
    note_check_in_and_lesson(departure, people)
    signed_off, _first, _pdf = signed_off_with_two_versions(make_case, people)
    module = departure.modules.first()
    sections = section_paths(departure)
    module_path = reverse("handover:case_module", args=[departure.pk, module.pk])
    body = (
        "# Listings\n\n| Store | Price floor | Who checks |\n|---|---|---|\n| Tmall | 199 | Sam |\n\n"
        + "word " * 80
    )
    services.manual_save(
        actor=people.leaver, departure=departure, module_id=module.pk, body=body, base_version=0
    )
    services.manual_save(
        actor=people.leaver, departure=departure, module_id=module.pk, body=body + "\nMore.", base_version=1
    )
    template_proposals_make(departure, None)
    manual = [
        reverse("handover:module_manual", args=[departure.pk, module.pk]),
        reverse("handover:manual_version", args=[departure.pk, module.pk, 2]),
        reverse("handover:manual_edit", args=[departure.pk, module.pk]),
        reverse("handover:manual_library"),
    ]
    pages = {
        people.hr: [
            reverse("handover:case_list"),
            reverse("handover:case_open"),
            *sections,
            module_path,
            reverse("handover:case_detail", args=[signed_off.pk]),
            reverse("handover:case_signatures", args=[signed_off.pk]),
            reverse("handover:open_accesses"),
            reverse("handover:template_list"),
            reverse("handover:template_detail", args=[departure.template_id]),
            reverse("handover:system_list"),
            reverse("handover:case_edit", args=[departure.pk]),
            reverse("handover:outbox_failed"),
            reverse("handover:chat_channels"),
            reverse("handover:privacy_settings"),
            f"{reverse('handover:privacy_people')}?q=leo",
            reverse("handover:privacy_person", args=[people.leaver.pk]),
            reverse("handover:privacy_notice"),
        ],
        people.leaver: [
            reverse("handover:my_work"),
            *sections[:4],
            module_path,
            reverse("handover:items_bulk", args=[departure.pk, module.pk, "hand_over"]),
            reverse("handover:inventory_import", args=[departure.pk]),
            reverse("handover:notifications"),
            reverse("handover:notification_settings"),
            reverse("handover:my_data"),
        ],
        people.successor_a: [reverse("handover:my_work"), sections[0], sections[1], module_path, *manual],
        people.manager: [reverse("handover:my_work"), sections[0], module_path, reverse("handover:stuck")],
    }
    found = []
    for user, paths in pages.items():
        page = log_in(user, width=PHONE_WIDTH)
        for path in paths:
            found += overflowing(page, path)
        page.context.close()
    assert found == [], json.dumps(found, indent=1, ensure_ascii=False)


@pytest.fixture
def documents_dir(settings, tmp_path):
    settings.HANDOVER_DOCUMENT_DIR = tmp_path / "documents"
    return settings.HANDOVER_DOCUMENT_DIR
