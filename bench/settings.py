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
