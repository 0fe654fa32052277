from django import template

from handover.models import State

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """The translated name of a case state stored as its code."""
    try:
        return str(State(value).label)
    except ValueError:
        return value
