from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments, votes and rankings"

    def ready(self):
        from comments import standing_signals

        standing_signals.connect()
