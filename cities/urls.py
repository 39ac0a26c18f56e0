from django.urls import path

from cities import views

app_name = "cities"

urlpatterns = [
    path("", views.home, name="home"),
    path("lists/<slug:slug>/", views.list_detail, name="list_detail"),
    path("lists/<slug:slug>/method/", views.list_method, name="list_method"),
    path("cities/<slug:slug>/", views.city_detail, name="city_detail"),
    path(
        "lists/<slug:list_slug>/<slug:city_slug>/badge.svg",
        views.contender_badge,
        name="contender_badge",
    ),
    path("search/", views.search, name="search"),
]
