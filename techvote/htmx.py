"""How the site answers htmx requests that cannot be done.

A control updated in place (a vote, a thumb, "Load more") names its target,
and beside it a message slot whose id is the target's id and "-error". A
refused request gets the message in that slot, with the refusal's status:
the page's htmx settings (templates/base.html) swap 4xx answers in, since
each carries a message, and HX-Retarget sends it to the slot.
"""

from django.shortcuts import render
from django_htmx.http import reswap, retarget


def refusal_partial(request, message: str, *, status: int):
    """The refusal's message for the slot of the control that asked."""
    slot = f"{request.htmx.target}-error" if request.htmx.target else "refusal"
    context = {"message": message, "slot": slot}
    response = render(request, "comments/_refusal.html", context, status=status)
    return reswap(retarget(response, f"#{slot}"), "outerHTML")


def csrf_failure(request, reason: str = ""):
    """An expired or missing CSRF token: the site's page, or its message for htmx."""
    from django.views.csrf import csrf_failure as page

    if getattr(request, "htmx", False):
        message = "This form has expired. Reload the page and try again; nothing was changed."
        return refusal_partial(request, message, status=403)
    return page(request, reason, template_name="403_csrf.html")
