"""What a browser asks for beyond the page: the icon, and nothing the page's own
Content-Security-Policy (style-src 'self', script-src 'self' with nonces) would refuse."""

import re
from pathlib import Path

import pytest
from django.templatetags.static import static

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Pages a browser shows; the PDF templates are rendered by WeasyPrint, where no CSP applies.
# The PDF and the mails are not pages: no CSP applies to them, and mail clients only follow styles
# written inline.
WEB_TEMPLATES = sorted(
    p for p in TEMPLATES.rglob("*.html") if not {"pdf", "email"} & set(p.relative_to(TEMPLATES).parts)
)
INLINE = re.compile(
    r"\sstyle\s*=|<style[\s>]"  # style attributes and elements
    r"|\son[a-z]+\s*="  # event handler attributes
    r"|<script(?![^>]*\bnonce=)",  # a script without the request's nonce
    re.IGNORECASE,
)


def test_pages_name_the_icon(client):
    assert (
        f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'
        in client.get("/accounts/login/").content.decode()
    )


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert b"".join(icon.streaming_content).startswith(b"<svg ")


@pytest.mark.parametrize("template", [str(p.relative_to(TEMPLATES)) for p in WEB_TEMPLATES])
def test_template_has_no_inline_style_or_script(template):
    found = [
        f"{number}: {line.strip()}"
        for number, line in enumerate((TEMPLATES / template).read_text().splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert found == []
