from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from api.v1 import api as api_v1
from cities import views as city_views
from techvote import accounts, sitepages
from techvote.middleware import cache_for_anonymous
from techvote.sitemaps import SITEMAPS

handler500 = "techvote.outage.server_error"

admin.site.site_header = "TechVote moderation"
admin.site.site_title = "TechVote admin"
admin.site.index_title = "Moderation and content"

urlpatterns = [
    path("", include("cities.urls")),
    path("", include("comments.urls")),
    path("notifications/", include("notifications.urls")),
    # Before allauth's, whose confirm-email/<key>/ would take "resend".
    path(
        "accounts/confirm-email/resend/",
        accounts.resend_confirmation,
        name="account_resend_confirmation",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("techvote.site_urls")),
    path("robots.txt", sitepages.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        cache_for_anonymous(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("site.webmanifest", sitepages.web_manifest, name="web_manifest"),
    path("favicon.ico", sitepages.StaticFileRedirect.as_view(file="img/favicon.ico")),
    path(
        "apple-touch-icon.png",
        sitepages.StaticFileRedirect.as_view(file="img/apple-touch-icon.png"),
    ),
    path("healthz", city_views.health, name="health"),
    path("api/v1/", api_v1.urls),
    path("admin/", admin.site.urls),
]
