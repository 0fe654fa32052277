"""axe-core (vendored, MPL-2.0) checks the main pages against WCAG 2 A/AA rules in Chromium:
labelled controls, landmarks, contrast, headings, ARIA use; at desktop and phone widths."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from handover.models import State
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(browser: Browser, base_url: str, user, path: str, width: int, language: str) -> list[dict]:
    # bypass_csp lets the test inject axe; the app's own pages never need it.
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/work/")
    page.goto(path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", RULES)
    context.close()
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"][:3]],
            "lang": language,
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_pass_axe(browser, live_server, people, make_case, default_templates, width):
    people.leaver.language = "zh-hans"
    people.leaver.save()
    departure = make_case(State.EXECUTING)
    pages = [
        (people.hr, reverse("handover:case_list"), "en"),
        (people.hr, reverse("handover:case_open"), "en"),
        (people.hr, reverse("handover:case_detail", args=[departure.pk]), "en"),
        (people.leaver, reverse("handover:my_work"), "zh-hans"),
        (people.leaver, reverse("handover:case_detail", args=[departure.pk]), "zh-hans"),
        (people.successor_a, reverse("handover:case_detail", args=[departure.pk]), "en"),
        (people.hr, reverse("handover:template_list"), "en"),
    ]
    found = []
    for user, path, language in pages:
        found += [
            dict(v, page=path) for v in violations(browser, live_server.url, user, path, width, language)
        ]
    assert found == [], json.dumps(found, indent=1, ensure_ascii=False)
