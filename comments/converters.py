"""URL converters of the comments app's pages."""

from datetime import date


class DayConverter:
    """A day as YYYY-MM-DD; anything else, 2026-02-30 included, is not a match (404)."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # A ValueError here makes Django answer 404.

    def to_url(self, value: date) -> str:
        return value.isoformat()
