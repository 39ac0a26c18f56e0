from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from comments.moderation import make_moderator


class Command(BaseCommand):
    help = "Make a member a moderator: the Moderators group and admin access, not superuser."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No member is called {username!r}.")
        make_moderator(user)
        self.stdout.write(self.style.SUCCESS(f"{username} is now a moderator."))
