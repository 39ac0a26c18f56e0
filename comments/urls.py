from django.urls import path, register_converter

from comments import feeds, views
from comments.converters import DayConverter

app_name = "comments"
register_converter(DayConverter, "day")

urlpatterns = [
    path("contenders/<int:contender_id>/vote/", views.vote, name="vote"),
    path("contenders/<int:contender_id>/vote/login/", views.vote_login, name="vote_login"),
    path("lists/<slug:slug>/suggest/", views.suggest, name="suggest"),
    path("lists/<slug:slug>/comments.atom", feeds.list_comments_feed, name="list_comments_feed"),
    path("lists/<slug:slug>/movers.atom", feeds.movers_feed, name="movers_feed"),
    path("cities/<slug:slug>/comments.atom", feeds.city_comments_feed, name="city_comments_feed"),
    path("lists/<slug:slug>/ballot/", views.ballot, name="ballot"),
    path("lists/<slug:slug>/ballot/withdraw/", views.ballot_withdraw, name="ballot_withdraw"),
    # Before the contender page, whose city slug would otherwise take "duel".
    path("lists/<slug:slug>/duel/", views.duel, name="duel"),
    path(
        "lists/<slug:list_slug>/<slug:city_slug>/",
        views.contender_comments,
        name="contender_comments",
    ),
    path(
        "lists/<slug:list_slug>/<slug:city_slug>/comments/",
        views.comment_create,
        name="comment_create",
    ),
    path("comments/<int:comment_id>/", views.comment_permalink, name="comment"),
    path("comments/<int:comment_id>/reply/", views.comment_reply, name="comment_reply"),
    path("comments/<int:comment_id>/replies/", views.comment_replies, name="comment_replies"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/thumb/", views.comment_thumb, name="comment_thumb"),
    path("comments/<int:comment_id>/report/", views.comment_report, name="comment_report"),
    path("users/<str:username>/", views.user_profile, name="user_profile"),
    # Beside allauth's account pages, which the site's own URLs come before.
    path("accounts/profile/", views.profile_edit, name="profile_edit"),
    path("accounts/delete/", views.account_delete, name="account_delete"),
    path("moderation/", views.moderation_log, name="moderation_log"),
    path("moderation/log.atom", feeds.moderation_log_feed, name="moderation_log_feed"),
    path("data/", views.open_data, name="open_data"),
    path("data/verify.py", views.open_data_verifier, name="open_data_verifier"),
    path("data/<slug:slug>/<day:day>.zip", views.open_data_download, name="open_data_download"),
]
