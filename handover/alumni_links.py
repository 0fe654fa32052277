"""The link that withdraws a former employee's consent to stay in touch: it names one case and one
person, signed with the site's secret key, and does nothing else. It never expires: consent may be
withdrawn at any time."""

from django.urls import reverse

from handover import signed_links

SALT = "handover.alumni.leave"


def leave_link(case_id: int, user_id: int) -> str:
    return reverse("handover:alumni_leave", args=[signed_links.sign(case_id, user_id, SALT)])


def leave_holder(token: str) -> tuple[int, int] | None:
    held = signed_links.read(token, SALT)
    return None if held is None else (held.case_id, held.user_id)
