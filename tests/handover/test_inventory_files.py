"""Spreadsheets in and out, material files, and what a stranger sees of any of it."""

import csv
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from handover import services, vault
from handover.models import Access, AccessSystem, Departure, Event, EventKind, ImportPreview, Material, State
from handover.urls import urlpatterns

pytestmark = pytest.mark.django_db

HEADER = ["Module", "System", "Account", "Access level", "Type", "Where the credential is kept", "Secret"]


@pytest.fixture
def system(db) -> AccessSystem:
    return AccessSystem.objects.get_or_create(name="Shopify admin", defaults={"category": "marketplace"})[0]


@pytest.fixture
def preparing(make_case) -> Departure:
    return make_case(State.PREPARING)


def csv_file(
    rows: list[list[str]], name: str = "accounts.csv", encoding: str = "utf-8"
) -> SimpleUploadedFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list[str]], name: str = "accounts.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def import_url(departure) -> str:
    return reverse("handover:inventory_import", args=[departure.pk])


def check(client, departure, upload, kind="accounts"):
    return client.post(import_url(departure), {"kind": kind, "upload": upload})


def test_one_bad_row_imports_nothing_and_names_the_row(client, people, preparing, system):
    client.force_login(people.leaver)
    rows = [
        HEADER,
        ["Product management", "Shopify admin", "shop-ops", "Staff", "Shared account", "Vault", "s3cret"],
        ["Product management", "Unknown marketplace", "x", "", "Personal account", "", ""],
        ["Order processing", "Shopify admin", "orders", "Staff", "Personal account", "", ""],
    ]
    response = check(client, preparing, csv_file(rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 row has a problem; nothing was imported" in page
    assert "“Unknown marketplace” is not in the system catalogue" in page
    assert '<tr class="bad">\n      <th scope="row">3</th>' in page
    assert 'name="preview"' not in page
    assert not ImportPreview.objects.exists()
    assert "s3cret" not in page
    assert not Access.objects.exists()


def test_clean_file_imports_every_row_with_secrets_encrypted(client, people, preparing, system):
    client.force_login(people.leaver)
    rows = [
        # Chinese column names and values, as a leaver's own spreadsheet would have them.
        ["模块", "系统", "账号", "权限级别", "类型", "凭据存放位置", "密钥"],
        ["商品管理", "shopify ADMIN", "shop-ops", "Staff", "共享账号", "Vault", "s3cret-from-file"],
        ["订单处理", "Shopify admin", "orders", "", "个人账号", "", ""],
    ]
    response = check(client, preparing, xlsx_file(rows))
    page = response.content.decode()
    assert "All 2 rows are ready to import." in page, page
    assert "s3cret-from-file" not in page  # the preview carries it sealed, never in the clear
    preview = page.split('name="preview" value="')[1].split('"')[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM handover_importpreview")
        stored = b"".join(
            bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in cursor.fetchone()
        )
    assert b"s3cret-from-file" not in stored  # waiting for confirmation, the rows are sealed
    response = client.post(import_url(preparing), {"preview": preview})
    assert response.status_code == 302
    accesses = {a.account: a for a in Access.objects.all()}
    assert set(accesses) == {"shop-ops", "orders"}
    assert vault.decrypt(accesses["shop-ops"].secret_token) == "s3cret-from-file"
    assert accesses["orders"].secret_token is None
    assert accesses["orders"].module.kind == "orders"
    assert Event.objects.filter(kind=EventKind.INVENTORY_IMPORTED, subject="2,1,0").exists()
    # A replayed (double-clicked) or made-up confirmation imports nothing more.
    for again in (preview, preview[:-4] + "0000", "not-an-id"):
        response = client.post(import_url(preparing), {"preview": again}, follow=True)
        assert "expired or was already imported" in response.content.decode()
    assert Access.objects.count() == 2
    assert not ImportPreview.objects.exists()


def test_a_preview_belongs_to_its_case_and_person(client, people, make_case, preparing, system):
    client.force_login(people.leaver)
    rows = [HEADER, ["Product management", "Shopify admin", "ops", "", "Personal account", "", ""]]
    page = check(client, preparing, csv_file(rows)).content.decode()
    preview = page.split('name="preview" value="')[1].split('"')[0]
    other = make_case(
        State.PREPARING, employee=people.successor_b, successors={"product": people.successor_a}
    )
    client.force_login(people.successor_b)
    client.post(import_url(other), {"preview": preview})
    assert not Access.objects.exists()


def test_materials_import_checks_choices_and_dates(client, people, preparing):
    client.force_login(people.leaver)
    rows = [
        ["Module", "Name", "Form", "Category", "Location", "Created on", "Purpose", "Importance"],
        [
            "Product management",
            "Price list",
            "Electronic",
            "Report",
            "https://drive/x",
            "2026-03-31",
            "",
            "High",
        ],
        ["Product management", "Old SOP", "Digital", "Manual", "Shelf 2", "31.03.2026", "", "Medium"],
    ]
    page = check(client, preparing, csv_file(rows, "materials.csv"), kind="materials").content.decode()
    assert "Form “Digital” is not one of: Electronic, Paper." in page
    assert "Created on is not a date" in page
    assert not Material.objects.exists()


def test_gbk_csv_from_chinese_excel_is_read(client, people, preparing, system):
    client.force_login(people.leaver)
    rows = [["模块", "系统", "账号", "类型"], ["商品管理", "Shopify admin", "运营一号", "个人账号"]]
    page = check(client, preparing, csv_file(rows, encoding="gb18030")).content.decode()
    assert "ready to import" in page and "运营一号" in page


def test_files_that_are_not_spreadsheets_are_refused(client, people, preparing):
    client.force_login(people.leaver)
    page = check(client, preparing, SimpleUploadedFile("x.xlsx", b"not a zip")).content.decode()
    assert "not a readable .xlsx workbook" in page
    page = check(client, preparing, SimpleUploadedFile("x.pdf", b"%PDF-1.4")).content.decode()
    assert "Upload a .csv or .xlsx file." in page
    page = check(client, preparing, csv_file([["Account"], ["a"]])).content.decode()
    assert "missing: Module, System, Type" in page


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_exported_cells_cannot_start_a_formula(client, people, preparing, system, start):
    dangerous = f'{start}HYPERLINK("http://evil.example","x")'
    services.access_create(
        actor=people.leaver,
        departure=preparing,
        module=preparing.modules.get(kind="product"),
        system=system,
        account=dangerous,
        kind="personal",
        credential_location=f"{start}1+1",
    )
    client.force_login(people.hr)
    url = reverse("handover:inventory_export", args=[preparing.pk, "csv"]) + "?what=accounts"
    text = client.get(url).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + dangerous in cells and "'" + f"{start}1+1" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    url = reverse("handover:inventory_export", args=[preparing.pk, "xlsx"])
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    values = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]
    # In a workbook every cell is text, never a formula; one that starts like a formula also
    # carries Excel's quote prefix, so the sheet shows it as typed and editing keeps it text.
    risky = [cell for cell in values if str(cell.value).startswith(("=", "+", "-", "@"))]
    assert {cell.value for cell in risky} == {dangerous, f"{start}1+1"}
    assert all(cell.quotePrefix for cell in risky)
    assert all(cell.data_type == "s" for cell in values)
    assert Event.objects.filter(kind=EventKind.INVENTORY_EXPORTED).count() == 2


def material_post(client, departure, upload, **extra):
    data = {
        "module": departure.modules.get(kind="product").pk,
        "title": "Supplier contract",
        "medium": "electronic",
        "category": "contract",
        "location": "https://drive.example/contracts",
        "importance": "high",
        "upload": upload,
        **extra,
    }
    return client.post(reverse("handover:material_add", args=[departure.pk]), data)


def test_upload_limits_are_enforced(client, people, preparing, settings):
    settings.HANDOVER_UPLOAD_MAX_BYTES = 1024
    client.force_login(people.leaver)
    too_big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 2000)
    assert "larger than 1.0" in material_post(client, preparing, too_big).content.decode()
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00")
    assert "cannot be attached" in material_post(client, preparing, exe).content.decode()
    renamed = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf")
    assert "does not match" in material_post(client, preparing, renamed).content.decode()
    assert not Material.objects.exists()
    ok = SimpleUploadedFile("contract.pdf", b"%PDF-1.7\n%%EOF\n")
    assert material_post(client, preparing, ok).status_code == 302
    material = Material.objects.get()
    stored = settings.HANDOVER_UPLOAD_DIR / material.file.name
    assert stored.read_bytes() == b"%PDF-1.7\n%%EOF\n"
    assert "contract" not in material.file.name  # stored under a name the uploader did not choose
    assert not str(stored).startswith((str(settings.MEDIA_ROOT), str(settings.STATIC_ROOT)))


def test_material_file_only_through_the_checked_view(client, people, preparing):
    client.force_login(people.leaver)
    material_post(client, preparing, SimpleUploadedFile("c.pdf", b"%PDF-1.7\n%%EOF\n"))
    material = Material.objects.get()
    url = reverse("handover:material_file", args=[preparing.pk, material.pk])
    for role, expected in [("successor_a", 200), ("hr", 200), ("head", 404), ("stranger", 404)]:
        client.force_login(getattr(people, role))
        response = client.get(url)
        assert response.status_code == expected, role
        if expected == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.7\n%%EOF\n"
            assert response["Content-Disposition"].startswith("attachment")
    assert Event.objects.filter(kind=EventKind.MATERIAL_DOWNLOADED).count() == 2


def test_stranger_gets_404_on_every_inventory_url(client, people, preparing, system):
    access = services.access_create(
        actor=people.leaver,
        departure=preparing,
        module=preparing.modules.get(kind="product"),
        system=system,
        account="ops",
        kind="shared",
        secret="hidden",
    )
    client.force_login(people.leaver)
    material_post(client, preparing, SimpleUploadedFile("c.pdf", b"%PDF-1.7\n%%EOF\n"))
    material = Material.objects.get()
    ids = {
        "pk": preparing.pk,
        "access_id": access.pk,
        "material_id": material.pk,
        "kind": "accounts",
        "file_format": "xlsx",
    }
    names = {
        p.name
        for p in urlpatterns
        if any(part in str(p.pattern) for part in ("accounts/", "materials/", "import/", "inventory."))
    }
    assert len(names) == 19
    client.force_login(people.stranger)
    for name in sorted(names):
        pattern = next(p for p in urlpatterns if p.name == name)
        kwargs = {k: v for k, v in ids.items() if f":{k}>" in str(pattern.pattern)}
        url = reverse(f"handover:{name}", kwargs=kwargs)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    assert not Event.objects.filter(actor=people.stranger).exists()
    assert settings.HANDOVER_UPLOAD_DIR.exists()


def test_too_many_rows_are_refused_before_anything_is_checked(client, people, preparing, settings):
    settings.HANDOVER_IMPORT_MAX_ROWS = 3
    client.force_login(people.leaver)
    rows = [HEADER] + [
        ["Product management", "Shopify admin", f"a{i}", "", "Personal account"] for i in range(10)
    ]
    page = check(client, preparing, xlsx_file(rows)).content.decode()
    assert "at most 3 rows" in page
    assert not Access.objects.exists()


def test_damaged_and_oversized_workbooks_get_a_clear_error(client, people, preparing):
    import zipfile

    client.force_login(people.leaver)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    page = check(client, preparing, SimpleUploadedFile("broken.xlsx", broken.getvalue())).content.decode()
    assert "not a readable .xlsx workbook" in page
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < 200_000
    page = check(client, preparing, SimpleUploadedFile("bomb.xlsx", bomb.getvalue())).content.decode()
    assert "too large once unpacked" in page


def test_blank_rows_do_not_hide_rows_past_the_limit(client, people, preparing, system, settings):
    settings.HANDOVER_IMPORT_MAX_ROWS = 3
    client.force_login(people.leaver)
    good = ["Product management", "Shopify admin", "a", "", "Personal account"]
    rows = [HEADER, good] + [[""] * 5] * 20 + [good] * 5
    page = check(client, preparing, xlsx_file(rows)).content.decode()
    assert "at most 3 rows" in page


def test_control_characters_and_exact_secrets(client, people, preparing, system):
    client.force_login(people.leaver)
    rows = [HEADER, ["Product management", "Shopify admin", "bad\x00name", "", "Personal account", "", ""]]
    page = check(client, preparing, csv_file(rows)).content.decode()
    assert "Account contains control characters." in page
    rows = [
        HEADER,
        ["Product management", "Shopify admin", "'=ops", "", "Shared account", "", "  pass word "],
    ]
    page = check(client, preparing, csv_file(rows)).content.decode()
    preview = page.split('name="preview" value="')[1].split('"')[0]
    client.post(import_url(preparing), {"preview": preview})
    access = Access.objects.get()
    assert access.account == "=ops"  # our own export's quote comes off again
    assert vault.decrypt(access.secret_token) == "  pass word "  # a secret is kept exactly


@pytest.mark.parametrize(("language", "header"), [("en", "System"), ("zh-hans", "系统"), ("zh-hant", "系統")])
def test_a_downloaded_template_in_the_readers_language_imports_as_it_is(
    client, people, preparing, system, language, header
):
    people.leaver.language = language
    people.leaver.save()
    client.force_login(people.leaver)
    for kind in ("accounts", "materials"):
        url = reverse("handover:import_template", args=[preparing.pk, kind, "xlsx"])
        template = client.get(url).content
        first_row = [cell.value for cell in next(load_workbook(io.BytesIO(template)).active.iter_rows())]
        assert kind == "materials" or header in first_row
        page = check(
            client, preparing, SimpleUploadedFile(f"{kind}.xlsx", template), kind=kind
        ).content.decode()
        assert 'name="preview"' in page, page
        client.post(import_url(preparing), {"preview": page.split('name="preview" value="')[1].split('"')[0]})
    assert Access.objects.get().system == system
    assert Material.objects.get().importance == "high"
