"""The pages every site owes its visitors: how ranking works, about, contact,
terms, privacy; and what browsers and crawlers ask of the root of a site
(robots.txt, the web manifest, /favicon.ico).

They read nothing from the database, so they are shared with every visitor
without a session like the browsing pages.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView

from techvote.middleware import cache_for_anonymous

# URL name -> (address, template), in the footer's order.
PAGES = {
    "ranking": ("how-we-rank/", "site/ranking.html"),
    "about": ("about/", "site/about.html"),
    "contact": ("contact/", "site/contact.html"),
    "terms": ("terms/", "site/terms.html"),
    "privacy": ("privacy/", "site/privacy.html"),
}

# What crawlers should leave alone: forms, accounts, admin, and search
# results (endless combinations of the pages the sitemap already lists).
ROBOTS_DISALLOW = ["/admin/", "/accounts/", "/search/", "/comments/"]


def page_view(template: str):
    """A view rendering one of the site's own pages."""

    @require_safe
    @cache_for_anonymous
    def view(request):
        return render(request, template)

    return view


@require_safe
@cache_for_anonymous
def robots_txt(request):
    """Crawl everything but the forms; the sitemap names the pages worth crawling."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_for_anonymous
def web_manifest(request):
    """What a phone needs to put the site on its home screen: name, colours, icons."""
    manifest = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": "The community ranks the world's most high-tech cities.",
        "start_url": "/",
        "display": "browser",
        "background_color": "#f5f6fb",
        "theme_color": "#3b2fc9",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(json.dumps(manifest, indent=2), content_type="application/manifest+json")


class StaticFileRedirect(RedirectView):
    """/favicon.ico and /apple-touch-icon.png, asked for at the root by browsers
    that never read the page's links: sent to the static file, which carries
    its content hash and lasting cache headers."""

    permanent = False
    file = ""

    def get_redirect_url(self, *args, **kwargs):
        return static(self.file)
