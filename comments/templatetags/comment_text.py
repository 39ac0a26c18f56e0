import re

from django import template
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

register = template.Library()

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Long addresses are shortened on screen; the link keeps the whole address.
SHOWN_URL_LENGTH = 60


@register.filter
def comment_html(text: str) -> str:
    """A comment's plain text as HTML: paragraphs, line breaks and clickable links.

    Everything is escaped first; the only markup added is <p>, <br> and links
    to http(s) addresses, marked rel="nofollow ugc" so that search engines
    give spam links no credit.
    """
    paragraphs = []
    for paragraph in PARAGRAPH_BREAK.split(text.strip()):
        linked = urlize(paragraph, trim_url_limit=SHOWN_URL_LENGTH, nofollow=True, autoescape=True)
        # urlize escapes quotes in the text, so this attribute can only be its own.
        linked = linked.replace(' rel="nofollow"', ' rel="nofollow ugc"')
        paragraphs.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return mark_safe("\n".join(paragraphs))


@register.filter
def comment_excerpt(text: str, length: int = 240) -> str:
    """The start of a comment as one line of plain text, for teasers (escaped by the template)."""
    return Truncator(" ".join(text.split())).chars(length)
