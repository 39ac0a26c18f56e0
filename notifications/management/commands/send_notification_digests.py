from django.core.management.base import BaseCommand

from notifications.digests import send_digests, subscribers_waiting
from techvote.progress import Progress


class Command(BaseCommand):
    help = (
        "Email each member who asked for the daily digest their unread notifications "
        "not mailed before, as the scheduled job does. A notification is mailed once."
    )

    def handle(self, *args, **options):
        progress = Progress("digests", subscribers_waiting().count())
        run = send_digests(advance=progress.advance)
        progress.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Digests: {run.mailed} members mailed, {run.notifications} notifications in them."
            )
        )
