"""What every API answer shares: an ETag (and 304), the rate limit per address.

Every response carries an ETag, the SHA-256 of its body, and a request
that names it in If-None-Match gets 304 with no body; an operation that
knows when its data last changed sets Last-Modified, and If-Modified-Since
is answered the same way (Django's get_conditional_response decides).

Each address may make API_RATE_LIMITS requests per window, counted by the
same atomic counters as members' actions (comments.ratelimits), so the
limit holds across server processes, with or without Redis.
"""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from ninja import NinjaAPI
from ninja.throttling import BaseThrottle

from comments.ratelimits import count_address


class ConditionalNinjaAPI(NinjaAPI):
    """NinjaAPI whose successful answers carry an ETag and honour conditional requests."""

    def create_response(self, request: HttpRequest, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        etag = f'"{hashlib.sha256(response.content).hexdigest()}"'
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={settings.ANONYMOUS_PAGE_SECONDS}"
        modified = response.get("Last-Modified")
        last_modified = parse_http_date_safe(modified) if modified else None
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        return not_modified


def last_modified(response: HttpResponse, moment) -> None:
    """Set Last-Modified on an operation's temporal response from a datetime."""
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


class AddressThrottle(BaseThrottle):
    """API_RATE_LIMITS per client address (REMOTE_ADDR, or the proxy's X-Forwarded-For)."""

    def allow_request(self, request: HttpRequest) -> bool:
        self.retry_after = count_address(self.get_ident(request) or "unknown", "api")
        return self.retry_after is None

    def wait(self):
        return self.retry_after
