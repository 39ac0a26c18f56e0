from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("contenders/<int:contender_id>/vote/", views.vote, name="vote"),
    path("users/<str:username>/", views.user_profile, name="user_profile"),
]
