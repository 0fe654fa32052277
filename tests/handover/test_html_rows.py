"""The long lists' rows are written by ``html_rows``: the same HTML as Django's
``format_html_join``, everything a person typed escaped."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy, override

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
