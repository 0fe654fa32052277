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
