from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments, votes and rankings"

    def ready(self):
        from comments import standing_signals
        from techvote import auth

        standing_signals.connect()
        auth.connect()  # Members' user rows kept in Redis, forgotten when saved.
