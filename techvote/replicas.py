"""Page reads from PostgreSQL read replicas, everything else from the primary.

With DATABASE_REPLICA_URL the settings add one database alias per replica
(DATABASE_REPLICAS) and this router. A replica is a streaming standby: it
holds what the primary committed a few milliseconds ago, so it may serve
only what may be that old. Hence the rules, in order:

- every write goes to the primary (there is nowhere else to write);
- every read inside a transaction on the primary goes there too: a service
  that reads, then writes by what it read (a vote's standing check, a
  ballot under its row lock) must read what it will write against;
- every read outside a request (a management command, the Celery counting
  job) and every read of a request that is not a page view (POST and the
  other writing methods) goes to the primary;
- every read of a page view whose sender has just posted (the
  FRESH_COOKIE of techvote.middleware) goes to the primary, so a voter sees
  their own vote on the next page whatever the replica's lag;
- the other page reads go to one replica, the same for the whole request.

A replica that does not answer is left out, with one ERROR log line, and
its reads go to the primary; after RETRY_SECONDS the next page tries it
again, and a WARNING says when it is back (as techvote.cache does for
Redis). A replica that fails between the check and the query answers that
request with the 503 page (techvote.outage), never with stale or half data.
"""

import logging
import random
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

from techvote.middleware import wants_fresh

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5

PAGE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class _PageReads:
    """What one page view may read from: a replica chosen on its first read, or none."""

    alias: str | None = None
    chosen: bool = False


# Set by ReplicaReadsMiddleware for a page view that may read a replica;
# None everywhere else (writes, commands, tasks), which reads the primary.
_page_reads: ContextVar[_PageReads | None] = ContextVar("techvote_page_reads", default=None)

# Replica alias -> when it last failed to answer (time.monotonic()).
_down_since: dict[str, float] = {}


def replica_aliases() -> list[str]:
    """The configured replicas' database aliases (none without DATABASE_REPLICA_URL)."""
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def _answers(alias: str) -> bool:
    """The replica answers now: asked once a page view, on its first read (`SELECT 1`)."""
    connection = connections[alias]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except (OperationalError, InterfaceError) as error:
        if alias not in _down_since:
            logger.error(
                "Database replica %s is unavailable (%s): its reads go to the primary "
                "until it is back.",
                alias,
                str(error).strip(),
            )
        _down_since[alias] = time.monotonic()
        connection.close()
        return False
    if _down_since.pop(alias, None) is not None:
        logger.warning("Database replica %s is back: page reads use it again.", alias)
    return True


def _choose_replica() -> str | None:
    now = time.monotonic()
    candidates = [
        alias
        for alias in replica_aliases()
        if now - _down_since.get(alias, -RETRY_SECONDS) >= RETRY_SECONDS
    ]
    random.shuffle(candidates)
    for alias in candidates:
        if _answers(alias):
            return alias
    return None


class ReplicaRouter:
    """Django's database router for DATABASE_REPLICAS (see the module's docstring)."""

    def db_for_read(self, model, **hints):
        reads = _page_reads.get()
        if reads is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if not reads.chosen:
            reads.alias = _choose_replica()
            reads.chosen = True
        return reads.alias or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same rows: a replica is a copy of the primary.
        return True

    def allow_migrate(self, db, app_label, **hints):
        # Replicas follow the primary's schema by replication; never migrate them.
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Let the page views of senders who have not just posted read from a replica.

    Without DATABASE_REPLICAS it takes itself out of the stack, so a site
    with one database pays nothing for it.
    """

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in PAGE_METHODS or wants_fresh(request):
            return self.get_response(request)
        token = _page_reads.set(_PageReads())
        try:
            return self.get_response(request)
        finally:
            _page_reads.reset(token)
