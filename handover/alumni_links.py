"""The link that withdraws a former employee's consent to stay in touch: it names one case and one
person, signed with the site's secret key, and does nothing else. It never expires: consent may be
withdrawn at any time."""

from django.core import signing
from django.urls import reverse

SALT = "handover.alumni.leave"


def leave_link(case_id: int, user_id: int) -> str:
    return reverse("handover:alumni_leave", args=[signing.dumps({"c": case_id, "u": user_id}, salt=SALT)])


def leave_holder(token: str) -> tuple[int, int] | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("u"), int):
        return None
    return data["c"], data["u"]
