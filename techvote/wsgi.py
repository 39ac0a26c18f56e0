"""WSGI entry point, used by gunicorn: `gunicorn techvote.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techvote.settings")

application = get_wsgi_application()
