"""Benchmark settings: production settings plus what only a benchmark needs.

- The floor views (bench/urls.py): a hello-world view, a 50-row template with
  no database, and a bare vote (insert plus F() update, nothing else), served
  through the same middleware as the site, for the ratios the runner prints.
- An X-Query-Count header on every response, so the runner can report SQL
  statements per request without DEBUG.
"""

from techvote.settings import *  # noqa: F403
from techvote.settings import BASE_DIR, INSTALLED_APPS, MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]

# A benchmark member saves their ballot dozens of times in a load; the
# scenario measures a save, not the limiter's refusal of the tenth.
RATE_LIMITS = {
    **RATE_LIMITS,  # noqa: F405
    "ballot": {
        "established": {"minute": 10_000, "day": 100_000},
        "new": {"minute": 10, "day": 30},
    },
}
