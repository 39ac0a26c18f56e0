from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.read_all, name="read_all"),
    path("<int:notification_id>/read/", views.read_one, name="read_one"),
    path("digest/", views.digest, name="digest"),
]
