from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

JUST_NOW = timedelta(minutes=1)

register = template.Library()


@register.filter
def isotime(value: datetime | None) -> str:
    """A moment for `<time datetime>`: ISO 8601 to the second, in the site's time zone.

    Django's `date:'c'` keeps microseconds, which HTML's datetime syntax does
    not allow (the Nu HTML Checker refuses them).
    """
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()


@register.filter
def ago(value: datetime | None) -> str:
    """How long ago, in words: "just now" for the first minute, not "0 minutes ago"."""
    if not value:
        return ""
    if timezone.now() - value < JUST_NOW:
        return "just now"
    return f"{timesince(value)} ago"
