"""Gzip for pages, except those that carry a CSRF token (the BREACH attack).

BREACH recovers a secret from a compressed HTTPS response by sending guesses
the page reflects and watching the compressed size. Django masks the CSRF
token differently on every response, which defeats it for the token, but a
page can hold other things worth guessing beside it. So a page that rendered
a token (any form that posts) goes out uncompressed, and everything else
(the anonymous pages, which are most of the traffic, sitemap.xml, JSON
answers without a token) is gzipped. Static files are compressed ahead of
time by WhiteNoise and never reach this middleware.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


def holds_csrf_token(response) -> bool:
    """The response holds a CSRF token.

    Each time a page renders a token, CsrfViewMiddleware (which runs inside
    this one) sends the CSRF cookie with it to renew its expiry, so the cookie
    on the response tells.
    """
    return settings.CSRF_COOKIE_NAME in response.cookies


class GZipWithoutTokensMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, skipped for responses that hold a CSRF token."""

    def process_response(self, request, response):
        if holds_csrf_token(response):
            return response
        return super().process_response(request, response)
