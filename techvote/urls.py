from django.contrib import admin
from django.urls import include, path

from api.v1 import api as api_v1
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
    path("api/v1/", api_v1.urls),
    path("admin/", admin.site.urls),
]
