from django.urls import path

from bench import views
from techvote.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/hello/", views.hello),
    path("bench/rows/", views.rows),
    path("bench/bare-vote/<int:contender_id>/", views.bare_vote),
    *site_urlpatterns,
]
