"""Text that people type, as every place it goes can keep it.

Tab, line feed and carriage return are text; the other C0 control characters are not. XML cannot
hold them (an XLSX export, the confirmation PDF), PostgreSQL refuses NUL, and no keyboard types
them on purpose: they arrive pasted from elsewhere or from a hostile client.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTROL_CHARACTERS_MESSAGE = _(
    "This text contains invisible control characters; remove them (tabs and line breaks are fine)."
)


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def printable_text(value: str) -> None:
    """The validator of every text field a person types into."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


# Reminder offsets, as HR types them on a template: "7, 3, 1".
OFFSETS = re.compile(r"^\s*\d{1,3}\s*(,\s*\d{1,3}\s*){0,4}$")


def offsets(value: str) -> tuple[int, ...]:
    """The numbers of an offsets field, largest first, each once."""
    return tuple(sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True))


def reminder_offsets(value: str) -> None:
    """Up to five whole numbers from 0 to 400, separated by commas."""
    if not OFFSETS.match(value) or any(number > 400 for number in offsets(value)):
        raise ValidationError(
            _("Write up to five whole numbers separated by commas, e.g. 7, 3, 1."), code="offsets"
        )
