"""The site's own pages and the files asked for at the root of a site."""

from django.urls import path

from techvote import sitepages

app_name = "site"

urlpatterns = [
    path(address, sitepages.page_view(template), name=name)
    for name, (address, template) in sitepages.PAGES.items()
]
