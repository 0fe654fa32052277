"""Links that name one case and one person, signed with the site's secret key (each purpose with a
salt of its own, so that one link never opens another's page). Nothing is stored."""

from django.core import signing


def sign(case_id: int, user_id: int, salt: str) -> str:
    return signing.dumps({"c": case_id, "u": user_id}, salt=salt)


def read(token: str, salt: str, max_age: int | None = None) -> tuple[int, int, bool] | None:
    """The case and the person a genuine token names, and whether it is younger than ``max_age``;
    None for anything Handover did not sign with this salt."""
    try:
        data, fresh = signing.loads(token, salt=salt, max_age=max_age), True
    except signing.SignatureExpired:
        data, fresh = signing.loads(token, salt=salt), False
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("u"), int):
        return None
    return data["c"], data["u"], fresh
