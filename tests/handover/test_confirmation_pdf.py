import hashlib
import io
import logging
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from handover import services
from handover.documents.confirmation import render_confirmation_pdf
from handover.documents.storage import document_storage
from handover.models import (
    AccessSystem,
    ChecklistItem,
    ConfirmationDocument,
    Departure,
    HandoverModule,
    ReasonCategory,
    State,
)
from tests.conftest import advance

pytestmark = pytest.mark.django_db

REASON_TEXT = "A new role closer to home."

# Per language: the items the leaver adds, the names everyone goes by, and the CJK face the PDF must
# embed. Fallback would otherwise draw Chinese with the Japanese face (different glyph shapes) and log
# nothing, so the face is checked by name, not only by the absence of missing-glyph warnings.
CASES = {
    "en": {
        "items": ["Store back-end permissions", "Daily order exception handling", "Supplier price list"],
        "names": None,
        "cjk_face": None,
    },
    "zh-hans": {
        "items": ["天猫店铺后台权限", "每日订单异常处理", "供应商报价单与联系人"],
        "names": {
            "leaver": "王小明",
            "manager": "李华",
            "hr": "刘芳",
            "successor_a": "张伟",
            "successor_b": "陈静",
        },
        "cjk_face": "Noto-Sans-CJK-SC",
    },
    "zh-hant": {
        "items": ["天貓店鋪後台權限", "每日訂單異常處理", "供應商報價單與聯絡人"],
        "names": {
            "leaver": "王曉明",
            "manager": "李華",
            "hr": "劉芳",
            "successor_a": "張偉",
            "successor_b": "陳靜",
        },
        "cjk_face": "Noto-Sans-CJK-TC",
    },
}


SYSTEM = "Shopify admin"
ACCOUNT = "shop-ops@example.com"
MATERIAL = "Supplier contracts 2026"
SECRET = "never-in-a-pdf-91"


def _rename_people(departure: Departure, people, names: dict[str, str]) -> None:
    """Give everyone a Chinese name: the users (signatures copy them) and the case's own copies."""
    for role, name in names.items():
        user = getattr(people, role)
        user.display_name = name
        user.save(update_fields=["display_name"])
    Departure.objects.filter(pk=departure.pk).update(
        employee_name=names["leaver"], manager_name=names["manager"], hr_owner_name=names["hr"]
    )
    HandoverModule.objects.filter(departure=departure, successor=people.successor_a).update(
        successor_name=names["successor_a"]
    )
    HandoverModule.objects.filter(departure=departure, successor=people.successor_b).update(
        successor_name=names["successor_b"]
    )


def _signed_off_case(make_case, people, language: str, extra_items: int = 0) -> Departure:
    spec = CASES[language]
    departure = make_case(State.PREPARING, language=language)
    if spec["names"]:
        _rename_people(departure, people, spec["names"])
    modules = list(departure.modules.order_by("position"))
    titles = [*spec["items"], *(f"{spec['items'][i % 3]} {i}" for i in range(extra_items))]
    for index, title in enumerate(titles):
        services.item_create(
            actor=people.leaver, departure=departure, module=modules[index % len(modules)], title=title
        )
    system = AccessSystem.objects.get_or_create(name=SYSTEM, defaults={"category": "marketplace"})[0]
    services.access_create(
        actor=people.leaver,
        departure=departure,
        module=modules[0],
        system=system,
        account=ACCOUNT,
        kind="shared",
        secret=SECRET,
    )
    services.material_create(
        actor=people.leaver,
        departure=departure,
        module=modules[0],
        title=MATERIAL,
        category="contract",
        medium="paper",
        location="Cabinet B",
        importance="high",
    )
    return advance(Departure.objects.get(pk=departure.pk), people, State.SIGNED_OFF)


def _issued_pdf(departure: Departure) -> bytes:
    """The sealed document the sign-off asks for (its task runs on commit, which a test's
    transaction never reaches, so produce it here: the same call, idempotent)."""
    document = services.confirmation_produce(departure_id=departure.pk)
    with document_storage().open(document.file_name, "rb") as stored:
        return stored.read()


def _pdf_text(pdf: bytes) -> str:
    """Text of every page with all whitespace removed: table cells wrap long titles anywhere."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_confirmation_shows_the_case_in_its_language_and_not_the_reason(make_case, people, caplog, language):
    departure = _signed_off_case(make_case, people, language)
    caplog.set_level(logging.WARNING, logger="weasyprint")

    pdf = _issued_pdf(departure)

    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    departure.refresh_from_db()
    titles = list(ChecklistItem.objects.filter(module__departure=departure).values_list("title", flat=True))
    assert set(CASES[language]["items"]) <= set(titles)
    expected = [
        departure.number,
        departure.employee_name,
        departure.manager_name,
        departure.hr_owner_name,
        *departure.modules.values_list("successor_name", flat=True),
        *titles,
        *departure.trial_tasks.values_list("title", flat=True),
        *(sha[:16] for sha in departure.signatures.values_list("content_sha256", flat=True)),
        SYSTEM,
        ACCOUNT,
        MATERIAL,
        departure.confirmations.get().code,
        departure.confirmations.get().content_sha256,
    ]
    assert [value for value in expected if _squash(value) not in text] == []

    assert _squash(REASON_TEXT) not in text
    assert SECRET not in text and SECRET.encode() not in pdf
    with translation.override(language):
        assert _squash(str(ReasonCategory.CAREER.label)) not in text

    glyph_warnings = [r.getMessage() for r in caplog.records if ".notdef glyph" in r.getMessage()]
    assert glyph_warnings == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    fonts = _font_names(pdf)
    assert not any("CJK-JP" in name or "CJK-KR" in name for name in fonts), fonts
    if CASES[language]["cjk_face"]:
        assert CASES[language]["cjk_face"] in fonts


def test_confirmation_footer_numbers_the_pages(make_case, people):
    departure = _signed_off_case(make_case, people, "en", extra_items=20)

    reader = PdfReader(io.BytesIO(_issued_pdf(departure)))

    pages = len(reader.pages)
    assert pages > 1
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()


def test_render_query_count_does_not_grow_with_the_case(make_case, people, django_assert_num_queries):
    departure = _signed_off_case(make_case, people, "en", extra_items=4)

    document = services.confirmation_produce(departure_id=departure.pk)
    # case + meeting, meeting participants, modules, items, lessons learned, trial tasks + module,
    # signatures, accesses, materials
    with django_assert_num_queries(9):
        render_confirmation_pdf(departure, document)


def test_confirmation_is_produced_once_and_stored_intact(make_case, people, settings, tmp_path):
    settings.HANDOVER_DOCUMENT_DIR = tmp_path
    departure = _signed_off_case(make_case, people, "zh-hans")

    first = services.confirmation_produce(departure_id=departure.pk)
    second = services.confirmation_produce(departure_id=departure.pk)

    assert second.pk == first.pk
    assert second.sha256 == first.sha256
    assert ConfirmationDocument.objects.filter(departure=departure).count() == 1
    with document_storage().open(first.file_name, "rb") as stored:
        content = stored.read()
    assert (tmp_path / first.file_name).is_file()
    assert hashlib.sha256(content).hexdigest() == first.sha256
    assert len(content) == first.size
    assert "王小明" in _pdf_text(content)
