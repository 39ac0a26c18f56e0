"""TechVote's project package: settings, URLs, WSGI and the task queue."""

from techvote.celery import app as celery_app

__all__ = ["celery_app"]
