"""Guards that run before anything else reads the request, and the headers every page carries.

Control characters have no place in a link or a form of this site, and a NUL
byte cannot even be stored in PostgreSQL text: a view that passed one to a
query answered 500 and logged a traceback. They are refused here, once,
before any view, admin filter or search sees them.
"""

import re

from django.http import JsonResponse
from django.shortcuts import render

# Every C0 and C1 control character, and DEL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same, less tab, line feed and carriage return, which a textarea sends.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Browser features the site never uses, denied to it and to anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _has_control_characters(request) -> bool:
    if _CONTROL.search(request.path):
        return True
    for data, allowed_in_values in ((request.GET, False), (request.POST, True)):
        pattern = _CONTROL_IN_TEXT if allowed_in_values else _CONTROL
        for key, values in data.lists():
            if _CONTROL.search(key) or any(pattern.search(value) for value in values):
                return True
    return False


class RejectControlCharactersMiddleware:
    """Answer 400, with the site's page, to a path, query or form holding control characters.

    Tab and line breaks are allowed in form values (comments have
    paragraphs), nothing else. Nothing after this middleware runs, so
    nothing is read or written, and the log gets Django's one line for a 400,
    no traceback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_control_characters(request):
            reason = "The link or the form held a control character, which no text here may hold."
            if request.path.startswith("/api/"):  # The read API answers JSON, as its schema says.
                return JsonResponse({"detail": reason}, status=400)
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send PERMISSIONS_POLICY with every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
