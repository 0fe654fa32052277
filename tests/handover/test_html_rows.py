"""The long lists' rows are written by ``html_rows`` (the same HTML as Django's
``format_html_join``) and a checklist item's by ``item_row``: everything a person typed escaped."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy, override

from handover import services
from handover.models import State
from handover.templatetags.handover_tags import html_rows

ROW = '<tr><td><a href="{}">{}</a></td><td data-label="{}">{}{}</td><td>{}/{}</td></tr>'


def test_rows_are_what_format_html_join_writes():
    badge = format_html('<span class="badge">{}</span>', "short notice")
    label = gettext_lazy("Last working day")
    rows = [
        ("/cases/1/", '<script>alert("x")</script>', label, "O'Neil & Co", badge, 3, 5),
        ("/cases/2/?a=1&b=2", "张伟 · 張偉", "Items accepted", "", "", 0, 0),
    ]
    with override("zh-hans"):
        written = html_rows(ROW, rows)
        assert written == format_html_join("\n", ROW, rows)
    assert "<script>" not in written and "&lt;script&gt;alert(&quot;x&quot;)" in written
    assert "O&#x27;Neil &amp; Co" in written and '<span class="badge">short notice</span>' in written
    assert "最后工作日" in written and "?a=1&amp;b=2" in written
    assert html_rows("<li>{}</li>", [], "") == ""


@pytest.mark.django_db
def test_an_item_row_escapes_what_people_typed_and_speaks_the_readers_language(client, people, make_case):
    departure = make_case(State.EXECUTING)
    module = departure.modules.get(kind="product")
    typed = '<img src=x onerror="alert(1)"> & co'
    item = services.item_create(
        actor=people.leaver, departure=departure, module=module, title=typed, steps=f"{typed}\nline two"
    )
    client.force_login(people.leaver)
    url = reverse("handover:case_module", args=[departure.pk, module.pk])
    page = client.get(url).content.decode()
    assert "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co<br>line two" in page
    assert 'aria-label="Choose “&lt;img' in page and f'form="bulk-{module.pk}-hand_over"' in page
    act = reverse("handover:item_hand_over", args=[departure.pk, item.pk])
    assert f'<form method="post" action="{act}" hx-post="{act}" hx-target="#item-{item.pk}"' in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(url).content.decode()
    assert "标记为已移交" in page and "选择“&lt;img" in page
    # After an act, htmx gets the row alone, drawn as the page draws it: with the demonstration
    # that covers it and the lesson noted about it.
    services.demonstration_schedule(
        actor=people.leaver,
        departure=departure,
        title="Pricing tool walk-through",
        scheduled_at=timezone.now() + timedelta(days=1),
        location="Room 3",
        item_ids=[item.pk],
        attendee_ids=[people.successor_a.pk],
    )
    services.lesson_add(
        actor=people.leaver,
        departure=departure,
        module_id=module.pk,
        went_wrong="Prices <b>lag</b>",
        solved="Refresh",
        item_id=item.pk,
    )
    answer = client.post(act, HTTP_HX_REQUEST="true").content.decode()
    assert answer.startswith(f'<li id="item-{item.pk}" class="item state-handed_over">')
    assert "Pricing tool walk-through" in answer and "Prices &lt;b&gt;lag&lt;/b&gt;" in answer
    # A question and its answer, as typed.
    client.force_login(people.successor_a)
    client.post(
        reverse("handover:item_return", args=[departure.pk, item.pk]), {"question": "<i>Which</i> supplier?"}
    )
    client.force_login(people.leaver)
    page = client.get(url).content.decode()
    assert "&lt;i&gt;Which&lt;/i&gt; supplier?" in page and "<i>Which" not in page
