"""One way to show a date or a moment, in the reader's language: the case page, the timeline, the
sign page, mails and the confirmation PDF all use these (templates through the ``day`` and
``moment`` filters)."""

from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language


def day(value: date | None) -> str:
    """A calendar date, e.g. "Nov. 30, 2026" or "2026年11月30日"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return _day(value, get_language())


@lru_cache(maxsize=8192)
def _day(value: date, language: str | None) -> str:
    """A page of cases shows fifty dates, and a company's cases share a few hundred: each is
    formatted once per language (``language`` is the active one, part of the key only)."""
    return date_format(value, "DATE_FORMAT")


def moment(value: datetime | None) -> str:
    """A date and time in the company's time zone, e.g. "Nov. 30, 2026, 2:30 p.m."."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
