"""The site's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from techvote.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("A failure on purpose, to render the 500 page.")


urlpatterns = [*site_urlpatterns, path("boom/", fail)]
