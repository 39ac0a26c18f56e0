"""HTML shared between members, with each member's own parts left as slots.

A page every member sees alike but for a few parts of their own (their name
in the header, the CSRF token, which vote buttons are pressed) is rendered
once with a marker where each of those parts goes, split at the markers into
fixed pieces, and kept; a member's page is then the pieces joined with their
own parts in between, with no template rendered.

A marker holds a random nonce drawn for that one rendering and never sent
to anyone, so no text on the page can hold one: what members write (a
comment, a username) was in the database before the nonce existed. Markers
are letters, digits, ":" and ";", which HTML escaping leaves as they are, so
a marker reaches the HTML whole wherever the template puts it. A page is
filled once and never split again, so a member's own parts are never
searched for markers.
"""

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SlottedHTML:
    """HTML in fixed pieces, with a named slot between each two."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]

    def count(self, name: str) -> int:
        """How many times the slot `name` comes in the HTML."""
        return self.slots.count(name)

    def fill(self, values: Mapping[str, str]) -> str:
        """The HTML with each slot replaced by its value in `values`."""
        pieces = [self.parts[0]]
        for name, part in zip(self.slots, self.parts[1:], strict=True):
            pieces += (values[name], part)
        return "".join(pieces)


class Markers:
    """The markers of one rendering: render `markers[name]` where slot `name` goes."""

    def __init__(self):
        self._nonce = secrets.token_hex(16)
        self._pattern = re.compile(f"slot{self._nonce}:([a-z0-9-]+);")

    def __getitem__(self, name: str) -> str:
        return f"slot{self._nonce}:{name};"

    def split(self, html: str) -> SlottedHTML:
        """The HTML rendered with these markers, split into its pieces and slots."""
        pieces = self._pattern.split(html)
        return SlottedHTML(parts=tuple(pieces[0::2]), slots=tuple(pieces[1::2]))
