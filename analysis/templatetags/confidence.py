"""How sure a measurement is, in words a person reads as a share: never "100 %"."""

from django import template

register = template.Library()

# A label read from one photo can always change on the next (relit copies keep the undertone
# about 77 % of the time, docs/evaluation.md), so a confidence that rounds to 100 is shown
# as "over 99".
_CEILING = 0.995


@register.filter
def percent_sure(confidence: float) -> str:
    if confidence >= _CEILING:
        return "over 99%"
    return f"{round(confidence * 100)}%"
