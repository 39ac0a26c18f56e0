from django.contrib import admin
from django.urls import include, path

from cities import views as city_views

handler500 = "techvote.outage.server_error"

admin.site.site_header = "TechVote moderation"
admin.site.site_title = "TechVote admin"
admin.site.index_title = "Moderation and content"

urlpatterns = [
    path("", include("cities.urls")),
    path("", include("comments.urls")),
    path("accounts/", include("allauth.urls")),
    path("healthz", city_views.health, name="health"),
    path("admin/", admin.site.urls),
]
