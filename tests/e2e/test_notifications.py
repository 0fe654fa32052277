"""The notification centre in a real Chromium: an item returned with a question makes the departing
employee's bell count rise without a reload; the notice leads to the item and is then read."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from handover import services
from handover.models import Notification, State

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_returned_item_raises_the_bell_without_a_reload(log_in, people, make_case, default_templates):
    departure = make_case(State.EXECUTING)
    Notification.objects.all().delete()
    item = departure.modules.get(kind="product").items.order_by("position").first()
    services.item_hand_over(actor=people.leaver, departure=departure, item_id=item.pk)

    leaver = log_in(people.leaver)
    errors: list[str] = []
    leaver.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    bell = leaver.locator("header.site a.bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".unread-count")).to_have_count(0)
    leaver.evaluate("window.__marker = 1")

    services.item_return(
        actor=people.successor_a, departure=departure, item_id=item.pk, question="Which supplier?"
    )
    # The bell asks again every 10 seconds.
    expect(bell.locator(".unread-count")).to_have_text("1", timeout=25_000)
    expect(bell).to_contain_text("1 unread notification")
    assert leaver.evaluate("window.__marker") == 1, "the page reloaded"
    # Back on the tab, the count is asked for at once rather than at the next poll, ten seconds on;
    # and no poll logs an error (the content security policy forbids what an htmx filter needs).
    unread = re.compile(re.escape(reverse("handover:notifications_unread")))
    with leaver.expect_response(unread, timeout=15_000):
        pass
    leaver.wait_for_timeout(500)  # the poll's answer swapped in, its element listening again
    with leaver.expect_request(unread, timeout=3_000):
        leaver.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert errors == []

    bell.click()
    expect(leaver).to_have_url(re.compile(re.escape(reverse("handover:notifications")) + "$"))
    notice = leaver.locator("li.notice").filter(has_text="came back with a question")
    expect(notice).to_contain_text("Which supplier?")
    notice.get_by_role("link", name=re.compile("came back with a question")).click()
    expect(leaver).to_have_url(
        re.compile(re.escape(reverse("handover:case_module", args=[departure.pk, item.module_id])))
    )
    expect(leaver.locator(f"#item-{item.pk}")).to_contain_text("Which supplier?")
    expect(leaver.locator("header.site a.bell .unread-count")).to_have_count(0)
