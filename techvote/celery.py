"""The Celery app: the queue that counts rankings off the request path.

Its settings are the CELERY_* names in techvote/settings.py. With REDIS_URL,
Redis is the broker and `celery -A techvote worker` and `celery -A techvote
beat` run the tasks (docker-compose.yml); without it, a task runs in the
process that queued it, so `make run` and the tests need no server.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techvote.settings")

app = Celery("techvote")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
