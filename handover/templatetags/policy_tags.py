"""The rule book's answers for templates: a page draws its links and buttons from the same policy
functions its view and service enforce, never from a rule of its own."""

from django import template

from handover import policy
from handover.notifications import outbox

register = template.Library()
register.filter("may_use_hr_pages", policy.may_use_hr_pages)
register.filter("may_open_case", policy.may_open_case)
register.filter("may_see_stuck", policy.may_see_stuck)
register.filter("may_see_open_accesses", policy.may_see_open_accesses)
register.filter("may_send_again", outbox.may_send_again)
register.filter("has_aftercare_page", policy.has_aftercare_page)
register.filter("may_see_feedback_figures", policy.may_see_feedback_figures)
register.filter("may_see_alumni", policy.may_see_alumni)
register.filter("may_manage_privacy", policy.may_manage_privacy)
register.filter("reaches_former_employees", policy.reaches_former_employees)
