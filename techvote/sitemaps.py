"""sitemap.xml: the pages worth a crawler's visit, at the site's own address.

Lists, cities and each city's page in a list (its comments), plus the site's
own pages. Addresses are built from SITE_URL, never from the request's Host
header, so a forged header cannot put another site's address in the map.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cities.models import City, Contender, ContenderList
from techvote.sitepages import PAGES


class SiteSitemap(Sitemap):
    """A section of the map, with the address taken from SITE_URL."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class ListSitemap(SiteSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ContenderList.objects.order_by("position", "title")


class CitySitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return City.objects.order_by("name")

    def lastmod(self, city):
        return city.updated_at


class ContenderSitemap(SiteSitemap):
    """A city in a list: its rank and the comments about it there."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        return (
            Contender.objects.approved()
            .with_city_and_list()
            .order_by("contender_list__position", "contender_list__title", "city__name")
        )

    def location(self, contender):
        return contender.get_comments_url()


class PageSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return list(PAGES)

    def location(self, name):
        return reverse(f"site:{name}")


SITEMAPS = {
    "lists": ListSitemap,
    "cities": CitySitemap,
    "contenders": ContenderSitemap,
    "pages": PageSitemap,
}
