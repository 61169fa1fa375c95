"""Dates and times as people read them: written in UTC, shown in the reader's own time zone
by static/js/result.js where scripts run."""

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    value = timezone.localtime(value, UTC)
    return format_html(
        '<time datetime="{}" class="moment">{} UTC</time>',
        value.isoformat(),
        date_format(value, "j F Y, H:i"),
    )
