from datetime import datetime

from django import template
from django.utils import timezone

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
