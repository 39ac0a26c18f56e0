"""What every template knows of the site: its name, address, and this page's
canonical address; `{% block_text %}`, which repeats a block's text; and
where a message shows: beside what it is about, or at the top of the page.

The canonical address is the path alone: `?sort=`, `?page=` and `?q=` show
the same page in another order or part, and search engines should count
them as one.
"""

from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.templatetags.static import static
from django.utils.safestring import mark_safe

register = template.Library()

# The picture a shared link shows beside its title.
PREVIEW_IMAGE = "img/icon-512.png"


def absolute(url: str) -> str:
    """`url` on the site's public address, unless it already names a host."""
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def site(request) -> dict:
    """Context processor: the site's name and address, the page's canonical address."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "contact_email": settings.CONTACT_EMAIL,
        "canonical_url": absolute(request.path),
        "preview_image_url": absolute(static(PREVIEW_IMAGE)),
    }


@register.simple_tag(takes_context=True)
def block_text(context, name: str) -> str:
    """The block `name` rendered again, as the page that extends the layout filled it.

    For the layout's `<title>` and description, repeated in the link-preview
    tags without every page saying them twice. Empty outside a layout; runs of
    white space (allauth's titles are indented) become one space.
    """
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block(name) if blocks is not None else None
    if block is None:
        return ""
    # Splitting on white space leaves the escaped entities whole.
    return mark_safe(" ".join(block.nodelist.render(context).split()))


# A message about one thing on the page ("Your comment is posted.") carries
# this tag and the thing's anchor, and shows beside it instead of at the top.
PLACED = "at-"
# The anchors of elements that show their own messages: comments
# (templates/comments/_comment.html). A message about anything else stays
# at the top, where it cannot be lost.
PLACEABLE = ("comment-",)


def placed_tag(url: str) -> str:
    """The tag for a message about what `url` points at (its #anchor), or ""."""
    anchor = url.partition("#")[2]
    return f"{PLACED}{anchor}" if anchor.startswith(PLACEABLE) else ""


@register.filter
def unplaced(messages) -> list:
    """The messages for the top of the page: those not shown beside something."""
    return [m for m in messages if not m.extra_tags.startswith(PLACED)]


@register.filter
def beside(messages, anchor: str) -> list:
    """The messages about the element with id `anchor`."""
    return [m for m in messages if m.extra_tags == f"{PLACED}{anchor}"]
