"""The embeddable badge of a contender's rank: "Tokyo · #1 in Most High Tech Cities · …".

An SVG drawn from a template with presentation attributes only (no style
element or attribute), so it renders under any Content-Security-Policy, in
an <img> on another site as well as here. Text widths are estimated from
the characters (as shields.io does) and pinned with `textLength`, so every
renderer draws the same box whatever fonts it has.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cities.models import METHOD_NAMES, Contender

LABEL = "TechVote"
FONT_SIZE = 11
PADDING = 6  # Each side of each part's text.
# Average advance of Verdana at 11 px by kind of character, close enough for a pill.
NARROW, WIDE, DEFAULT = 3.6, 9.2, 6.6
NARROW_CHARACTERS = set("fijlrtI1.,:;!|' ·()")
WIDE_CHARACTERS = set("mwMW@%#")


def text_width(text: str) -> float:
    return sum(
        NARROW if c in NARROW_CHARACTERS else WIDE if c in WIDE_CHARACTERS else DEFAULT
        for c in text
    )


@dataclass(frozen=True)
class Badge:
    label: str
    message: str

    @property
    def label_text_width(self) -> float:
        return round(text_width(self.label), 1)

    @property
    def message_text_width(self) -> float:
        return round(text_width(self.message), 1)

    @property
    def label_width(self) -> float:
        return self.label_text_width + 2 * PADDING

    @property
    def width(self) -> float:
        return self.label_width + self.message_text_width + 2 * PADDING

    @property
    def seam_x(self) -> float:
        """Where the label's square edge covers the message's rounded corner."""
        return self.label_width - 3

    @property
    def label_x(self) -> float:
        return PADDING

    @property
    def message_x(self) -> float:
        return self.label_width + PADDING

    @property
    def accessible_name(self) -> str:
        return f"{self.label}: {self.message}"


def badge_of(contender: Contender) -> Badge:
    """The contender's badge (needs `rank`, its city and list): its place today."""
    contender_list = contender.contender_list
    today = timezone.localdate()
    return Badge(
        label=LABEL,
        message=(
            f"{contender.city.name} · #{contender.rank} in {contender_list.title} · "
            f"{METHOD_NAMES[contender_list.ranking]} · {today.day} {today:%b %Y}"
        ),
    )


def badge_svg(contender: Contender) -> str:
    return render_to_string(
        "cities/badge.svg", {"badge": badge_of(contender), "font_size": FONT_SIZE}
    )


def badge_snippet(request, contender: Contender) -> str:
    """The HTML another site pastes to show the badge, linked to the contender's page (safe
    markup: a page showing it as text escapes it, `force_escape`)."""
    url = reverse(
        "cities:contender_badge", args=[contender.contender_list.slug, contender.city.slug]
    )
    return str(
        format_html(
            '<a href="{}"><img src="{}" alt="{}" height="20"></a>',
            request.build_absolute_uri(contender.get_comments_url()),
            request.build_absolute_uri(url),
            badge_of(contender).accessible_name,
        )
    )
