"""A database outage answers 503 with a page that needs no database.

When PostgreSQL (or the SQLite file) cannot be reached, every page that
reads it used to answer 500 with a traceback. The site has done nothing
wrong and has lost nothing: an acknowledged vote was committed before it
was acknowledged, and a request that failed wrote nothing. So the answer
is 503 with Retry-After, and a page, rendered without a request context
(no session, no user, no messages: all of those would ask the database),
that says so.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def is_database_outage(error: BaseException | None) -> bool:
    """The database could not be reached or stopped answering (not a bug of ours)."""
    return isinstance(error, OperationalError | InterfaceError)


def outage_response() -> HttpResponse:
    """The 503 page, rendered from the template alone."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    """Answer a view that met a database outage with the 503 page and one log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.error("Database unavailable, answered 503: %s", str(exception).strip())
        return outage_response()


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when what failed, outside any view, was the database."""
    if is_database_outage(sys.exc_info()[1]):
        return outage_response()
    return defaults.server_error(request, template_name)
