"""Pages shared for a few seconds, and a cookie that keeps a writer's own pages fresh.

Every visitor who is not signed in sees the same page at a URL, so the first
request renders it and the next ones, for ANONYMOUS_PAGE_SECONDS, get the
stored copy before the session, authentication and CSRF middleware even
run. Only views marked with `cache_for_anonymous` are stored, only 200
answers without cookies, and never for a request that carries a session or
a message to show, and an htmx request (a partial) is kept apart from the
page at the same address. Signed-in members share list data the same way
(see cities.pages). Whoever has just posted anything carries a short-lived
FRESH_COOKIE and is never served shared data, so their own vote shows at
once; everyone else sees it within those few seconds.
"""

from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches

FRESH_COOKIE = "techvote_fresh"


def wants_fresh(request) -> bool:
    """The request must not be served shared data: its sender has just changed something."""
    return FRESH_COOKIE in request.COOKIES


def fresh_seconds() -> int:
    """How long a writer is kept off shared data: shared pages' life, and replicas' lag."""
    if settings.DATABASE_REPLICAS:
        return max(settings.ANONYMOUS_PAGE_SECONDS, settings.REPLICA_FRESH_SECONDS)
    return settings.ANONYMOUS_PAGE_SECONDS


class FreshAfterWriteMiddleware:
    """Mark whoever has just posted successfully, for as long as shared pages live."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and response.status_code < 400:
            response.set_cookie(
                FRESH_COOKIE,
                "1",
                max_age=fresh_seconds(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def cache_for_anonymous(view):
    """Let AnonymousPageCacheMiddleware keep this view's pages for visitors without a session."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.cache_for_anonymous = True
        return response

    return wrapped


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_share(request):
            return self.get_response(request)
        cache = caches["pages"]
        # An htmx request at the same address gets a partial, not the page.
        partial = request.headers.get("HX-Request") == "true"
        key = f"page:{request.get_host()}:{request.get_full_path()}:{partial}"
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if (
            getattr(response, "cache_for_anonymous", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            cache.set(key, response, settings.ANONYMOUS_PAGE_SECONDS)
        return response

    @staticmethod
    def _may_share(request) -> bool:
        return (
            settings.ANONYMOUS_PAGE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
            and not wants_fresh(request)
        )
