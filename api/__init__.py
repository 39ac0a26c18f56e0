"""The read API, /api/v1/: lists, rankings, contenders and cities as JSON (django-ninja)."""
