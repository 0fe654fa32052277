"""The former employee's personal link: it names one case and one person, signed with the site's
secret key, and opens only that person's aftercare questions on that case. No table holds it (the
mails that carry it do); it stops working when it is older than ``MAX_AGE`` (every mail carries a
fresh one), and the policy refuses it outside the support period or when HR ended the links made
before (``policy.may_use_personal_link``).
Opened, it moves into the session, so that addresses in logs never carry it."""

from django.urls import reverse

from handover import signed_links

SALT = "handover.aftercare.link"
# A link older than this no longer opens anything, even within the support period.
MAX_AGE = 30 * 24 * 3600


def personal_link(case_id: int, user_id: int) -> str:
    return reverse("handover:aftercare_link", args=[signed_links.sign(case_id, user_id, SALT)])


def link_holder(token: str) -> signed_links.Held | None:
    """The case and the person a genuine link names, whether it is still recent enough to open
    anything and when it was made; None for anything Handover did not sign."""
    return signed_links.read(token, SALT, MAX_AGE)
