"""Links that name one case and one person, signed with the site's secret key (each purpose with a
salt of its own, so that one link never opens another's page). Nothing is stored: a link carries
when it was made, so that links made before a moment can be refused all at once."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing


@dataclass(frozen=True)
class Held:
    """What a genuine token names: the case, the person, whether it is younger than the age asked,
    and when it was made (None for links made before links said so)."""

    case_id: int
    user_id: int
    fresh: bool
    issued_at: datetime | None


def sign(case_id: int, user_id: int, salt: str) -> str:
    return signing.dumps({"c": case_id, "u": user_id, "t": time.time()}, salt=salt)


def read(token: str, salt: str, max_age: int | None = None) -> Held | None:
    """What a genuine token names; None for anything Handover did not sign with this salt."""
    try:
        data, fresh = signing.loads(token, salt=salt, max_age=max_age), True
    except signing.SignatureExpired:
        data, fresh = signing.loads(token, salt=salt), False
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("u"), int):
        return None
    issued = data.get("t")
    issued_at = datetime.fromtimestamp(issued, UTC) if isinstance(issued, int | float) else None
    return Held(data["c"], data["u"], fresh, issued_at)
