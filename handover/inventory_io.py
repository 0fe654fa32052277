"""Accounts and materials in and out of spreadsheets (CSV and XLSX).

Reading checks every row and says what is wrong with it, so a preview can show
the whole file before anything is saved. Writing never lets a cell start a
formula: a spreadsheet opening the export must not run what someone typed.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from handover import policy
from handover.models import (
    Access,
    AccessKind,
    AccessSystem,
    Departure,
    Importance,
    Material,
    MaterialCategory,
    MaterialMedium,
    ModuleKind,
)
from handover.models.inventory import SECRET_KINDS
from handover.validators import CONTROL_CHARACTERS, has_control_characters


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    required: bool = False
    max_length: int = 0
    choices: type[models.TextChoices] | None = None
    # Other names people give this column in their own sheets.
    aliases: tuple[str, ...] = ()


ACCOUNT_COLUMNS = [
    Column("module", _("Module"), required=True, choices=ModuleKind, aliases=("模块", "模塊")),
    Column("system", _("System"), required=True),
    Column("account", _("Account"), required=True, max_length=200),
    Column("access_level", _("Access level"), max_length=120),
    Column("kind", _("Type"), required=True, choices=AccessKind),
    Column("credential_location", _("Where the credential is kept"), max_length=300),
    Column("secret", _("Secret"), max_length=2000),
]
MATERIAL_COLUMNS = [
    Column("module", _("Module"), required=True, choices=ModuleKind, aliases=("模块", "模塊")),
    Column("title", pgettext_lazy("material", "Name"), required=True, max_length=200, aliases=("Title",)),
    Column("medium", _("Form"), required=True, choices=MaterialMedium),
    Column("category", _("Category"), required=True, choices=MaterialCategory),
    Column("location", _("Location"), required=True, max_length=500),
    Column("created_on", _("Created on")),
    Column("purpose", _("Purpose"), max_length=2000),
    Column("importance", _("Importance"), required=True, choices=Importance),
]
COLUMNS = {"accounts": ACCOUNT_COLUMNS, "materials": MATERIAL_COLUMNS}
# The export adds what happened to each row; these are never imported.
ACCOUNT_STATUS_COLUMNS = [
    _("State"),
    _("Transferred at"),
    _("Transferred to"),
    _("Revoked at"),
    _("Revoked by"),
    _("Stored secret"),
]
MATERIAL_STATUS_COLUMNS = [_("File"), _("Found at"), _("Found by")]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _names(text) -> set[str]:
    """A label as written in every language the app speaks, folded for comparison."""
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(_fold(str(text)))
    return names


def _fold(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _header_index(header: list[str], columns: list[Column]) -> dict[str, int]:
    aliases = {}
    for column in columns:
        for name in {_fold(column.key)} | _names(column.label) | {_fold(a) for a in column.aliases}:
            aliases[name] = column.key
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = aliases.get(_fold(cell))
        if key is not None and key not in index:
            index[key] = position
    missing = [str(c.label) for c in columns if c.required and c.key not in index]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return index


def _choice_aliases(choices: type[models.TextChoices]) -> dict[str, str]:
    aliases = {}
    for value, label in choices.choices:
        for name in {_fold(value)} | _names(label):
            aliases[name] = value
    return aliases


IMPORT_MAX_BYTES = 5 * 1024 * 1024


def read_table(upload) -> list[list[str]]:
    """Every row of the first sheet of a CSV or XLSX file, as text."""
    if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
        raise ImportFileError(_("A spreadsheet to import can be at most 5 MB."))
    extension = PurePath(upload.name or "").suffix.lower()
    if extension == ".csv":
        return _read_csv(upload.read())
    if extension == ".xlsx":
        return _read_xlsx(upload)
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def _read_csv(raw: bytes) -> list[list[str]]:
    # Excel in a Chinese locale saves CSV as GB18030 (GBK); everything else uses UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file is not text in UTF-8 or GBK."))
    try:
        # Empty rows at the end (line breaks, or commas only) go before parsing, at string speed:
        # a file of a few megabytes can hold millions of them.
        return _non_blank(csv.reader(io.StringIO(text.rstrip(",\r\n"))))
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read; save it again as CSV (UTF-8).")) from error


# Rows read at most, empty ones included, per row a file may hold (HANDOVER_IMPORT_MAX_ROWS).
ROWS_READ_PER_ROW = 10


def _non_blank(rows) -> list[list[str]]:
    """The rows that hold anything, up to one past the limit (plus the header): enough to refuse
    an oversized sheet without reading it all. Empty rows are skipped, but only so many are read:
    each costs time, and a few megabytes can hold millions of them."""
    read_limit = ROWS_READ_PER_ROW * settings.HANDOVER_IMPORT_MAX_ROWS
    kept = []
    for number, row in enumerate(rows, start=1):
        if number > read_limit:
            raise ImportFileError(
                _(
                    "The file goes on past row %(n)d (empty rows count too); delete the empty rows "
                    "below or between your data and upload it again."
                )
                % {"n": read_limit}
            )
        if any(cell.strip() for cell in row):
            kept.append(row)
            if len(kept) > settings.HANDOVER_IMPORT_MAX_ROWS + 1:
                break
    return kept


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# A workbook unpacks to far more than its file size; refuse one that would unpack to more than
# this (a "zip bomb" would exhaust the worker's memory).
XLSX_MAX_UNPACKED = 50 * 1024 * 1024
# Bounds on the work a workbook may ask of openpyxl, each far above what a sheet of
# HANDOVER_IMPORT_MAX_ROWS rows needs (about 70 tags a row, a few hundred for styles and theme):
# a few megabytes of XML can declare millions of empty rows or strings (tags, each parsed in
# Python), rows a million apart (read up to ROWS_READ_PER_ROW only) or a sheet 16,384 columns
# wide (every row padded to it). Measured before: 2 million empty rows in a 5 MB file took 14 s,
# 400,000 strings 6.5 s, 3,000 rows 16,384 columns wide 7.6 s; now each is refused or read in
# under half a second.
XLSX_TAGS_PER_ROW = 150
XLSX_TAGS_BESIDE_ROWS = 20_000
XLSX_MAX_COLUMNS = 50


def _xml_tags(archive, limit: int) -> int:
    """The number of XML tags in the workbook's parts, counted without parsing them, up to just
    past ``limit``."""
    tags = 0
    for member in archive.infolist():
        if member.filename.endswith((".xml", ".rels")):
            with archive.open(member) as part:
                while tags <= limit and (chunk := part.read(1 << 20)):
                    tags += chunk.count(b"<")
    return tags


def _read_xlsx(upload) -> list[list[str]]:
    from zipfile import ZipFile

    from openpyxl import load_workbook

    unreadable = ImportFileError(_("The file is not a readable .xlsx workbook."))
    max_rows = settings.HANDOVER_IMPORT_MAX_ROWS
    max_tags = XLSX_TAGS_BESIDE_ROWS + XLSX_TAGS_PER_ROW * max_rows
    try:
        with ZipFile(upload) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            tags = _xml_tags(archive, max_tags) if unpacked <= XLSX_MAX_UNPACKED else 0
        if unpacked > XLSX_MAX_UNPACKED:
            raise ImportFileError(_("The workbook is too large once unpacked; save a smaller one as CSV."))
        if tags > max_tags:
            raise ImportFileError(
                _(
                    "The workbook holds far more than %(n)d rows need (thousands of empty but "
                    "formatted rows, say); delete what lies below your data, or save the sheet "
                    "as CSV, and upload it again."
                )
                % {"n": max_rows}
            )
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # openpyxl stops parsing past max_row; one row more than is read tells the sheet goes on.
            rows = sheet.iter_rows(
                max_row=ROWS_READ_PER_ROW * max_rows + 1, max_col=XLSX_MAX_COLUMNS, values_only=True
            )
            return _non_blank([_cell_text(value) for value in row] for row in rows)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    # Whatever a damaged or hostile workbook makes openpyxl or the XML parser raise.
    except Exception as error:
        raise unreadable from error


@dataclass
class Row:
    number: int
    values: dict[str, str]
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    kind: str
    columns: list[Column]
    rows: list[Row]

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.bad_rows


def _parse_date(text: str) -> date:
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%Y/%m/%d").date()):
        try:
            value = parse(text)
        except ValueError:
            continue
        if policy.date_in_range(value):
            return value
    raise ValueError(text)


def check_rows(kind: str, departure: Departure, table: list[list[str]]) -> Preview:
    """Check every row of a table against this case; the preview says what is wrong where."""
    columns = COLUMNS[kind]
    if not table:
        raise ImportFileError(_("The file is empty."))
    index = _header_index(table[0], columns)
    body = table[1:]
    if not body:
        raise ImportFileError(_("The file has column names but no rows."))
    if len(body) > settings.HANDOVER_IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("A file can hold at most %(n)d rows; split it.") % {"n": settings.HANDOVER_IMPORT_MAX_ROWS}
        )
    modules = {m.kind: m.pk for m in departure.modules.all()}
    systems = {_fold(s.name): s.pk for s in AccessSystem.objects.filter(is_active=True)}
    aliases = {c.key: _choice_aliases(c.choices) for c in columns if c.choices}
    url = URLValidator()
    rows = []
    for offset, cells in enumerate(body, start=2):
        values = {
            c.key: (cells[index[c.key]] if c.key in index and index[c.key] < len(cells) else "")
            for c in columns
        }
        row = Row(number=offset, values=values)
        for column in columns:
            # A secret is kept exactly as typed; other cells lose stray spaces, and the quote our
            # own export puts before a formula character.
            value = values[column.key] if column.key == "secret" else _unquote(values[column.key].strip())
            label = str(column.label)
            if has_control_characters(value):
                row.errors.append(str(_("%(column)s contains control characters.") % {"column": label}))
                continue
            if column.required and not value:
                row.errors.append(str(_("%(column)s is empty.") % {"column": label}))
                continue
            if column.max_length and len(value) > column.max_length:
                row.errors.append(
                    str(
                        _("%(column)s is longer than %(n)d characters.")
                        % {"column": label, "n": column.max_length}
                    )
                )
                continue
            if not value:
                row.data[column.key] = ""
                continue
            if column.choices is not None:
                choice = aliases[column.key].get(_fold(value))
                if choice is None:
                    allowed = ", ".join(str(label) for _value, label in column.choices.choices)
                    row.errors.append(
                        str(
                            _("%(column)s “%(value)s” is not one of: %(allowed)s.")
                            % {"column": label, "value": value, "allowed": allowed}
                        )
                    )
                    continue
                value = choice
            row.data[column.key] = value
        if "module" in row.data:
            module_id = modules.get(row.data["module"])
            if module_id is None:
                row.errors.append(
                    str(
                        _("This case does not hand over the module “%(module)s”.")
                        % {"module": ModuleKind(row.data["module"]).label}
                    )
                )
            else:
                row.data["module"] = module_id
        if kind == "accounts":
            _check_account(row, systems)
        else:
            _check_material(row, url)
        rows.append(row)
    return Preview(kind=kind, columns=columns, rows=rows)


def _check_account(row: Row, systems: dict[str, int]) -> None:
    if row.data.get("system"):
        system_id = systems.get(_fold(row.data["system"]))
        if system_id is None:
            row.errors.append(
                str(
                    _("“%(system)s” is not in the system catalogue; pick a listed name or ask HR to add it.")
                    % {"system": row.data["system"]}
                )
            )
        else:
            row.data["system"] = system_id
    if row.data.get("secret") and row.data.get("kind") and row.data["kind"] not in SECRET_KINDS:
        row.errors.append(str(_("Only a shared account or a sub-account may carry a stored secret.")))


def _check_material(row: Row, url: URLValidator) -> None:
    if row.data.get("created_on"):
        try:
            row.data["created_on"] = _parse_date(row.data["created_on"]).isoformat()
        except ValueError:
            row.errors.append(str(_("Created on is not a date (write it as 2026-03-31).")))
    location = row.data.get("location", "")
    if location.lower().startswith(("http://", "https://")):
        try:
            url(location)
        except ValidationError:
            row.errors.append(str(_("The location looks like a link but is not a valid address.")))


def _unquote(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def neutralise(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, return) gets a quote first."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(value) -> str:
    return date_format(value, "Y-m-d H:i") if value else ""


def account_table(departure: Departure) -> tuple[list[str], list[list[str]]]:
    header = [str(c.label) for c in ACCOUNT_COLUMNS if c.key != "secret"] + [
        str(label) for label in ACCOUNT_STATUS_COLUMNS
    ]
    rows = []
    for access in (
        Access.objects.filter(departure=departure)
        .select_related("module", "system")
        .order_by("position", "pk")
    ):
        rows.append(
            [
                access.module.get_kind_display(),
                access.system.name,
                access.account,
                access.access_level,
                access.get_kind_display(),
                access.credential_location,
                access.get_state_display(),
                _when(access.transferred_at),
                access.transferred_by_name,
                _when(access.revoked_at),
                access.revoked_by_name,
                str(_("Yes")) if access.has_secret else str(_("No")),
            ]
        )
    return header, rows


def material_table(departure: Departure) -> tuple[list[str], list[list[str]]]:
    header = [str(c.label) for c in MATERIAL_COLUMNS] + [str(label) for label in MATERIAL_STATUS_COLUMNS]
    rows = []
    for material in (
        Material.objects.filter(departure=departure).select_related("module").order_by("position", "pk")
    ):
        rows.append(
            [
                material.module.get_kind_display(),
                material.title,
                material.get_medium_display(),
                material.get_category_display(),
                material.location,
                material.created_on.isoformat() if material.created_on else "",
                material.purpose,
                material.get_importance_display(),
                material.file_name,
                _when(material.found_at),
                material.found_by_name,
            ]
        )
    return header, rows


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[tuple[str, list[str], list[list[str]]]]) -> bytes:
    """One worksheet per (title, header, rows); every cell is text, none a formula, and a cell that
    starts like a formula carries Excel's quote prefix, so editing it keeps it text. A control
    character, which XML cannot hold (rows saved before the forms refused them, a name from the
    admin), is shown as U+FFFD instead of failing the whole export."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    # A new workbook comes with one empty sheet; every sheet of the export is added below.
    workbook.remove(workbook.worksheets[0])
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row_number, values in enumerate([header, *rows], start=1):
            for column_number, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=column_number)
                cell.value = CONTROL_CHARACTERS.sub("\ufffd", "" if value is None else str(value))
                cell.data_type = "s"
                cell.quotePrefix = cell.value.startswith(FORMULA_STARTS)
                if row_number == 1:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column_number, _label in enumerate(header, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column_number).column_letter].width = 22
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_table(kind: str, departure: Departure) -> tuple[list[str], list[list[str]]]:
    """An empty sheet with the column names, and one example row, for people starting from scratch
    (in the reader's language, like the column names, and in one of this case's modules)."""
    header = [str(c.label) for c in COLUMNS[kind]]
    module = departure.modules.order_by("position").first()
    module_label = module.get_kind_display() if module else str(ModuleKind.PRODUCT.label)
    if kind == "accounts":
        example = [
            module_label,
            "Shopify admin",
            "shop-ops@example.com",
            str(_("Staff (products, orders)")),
            str(AccessKind.SHARED.label),
            str(_("Vault: E-commerce / Shopify")),
            "",
        ]
    else:
        example = [
            module_label,
            str(_("2026 supplier contracts")),
            str(MaterialMedium.PAPER.label),
            str(MaterialCategory.CONTRACT.label),
            str(_("Office cabinet B, second drawer")),
            "2026-01-15",
            str(_("Originals for the annual audit")),
            str(Importance.HIGH.label),
        ]
    return header, [example]
