"""Migrate, create the cache table and (optionally) load the demo data, one container at a time.

`docker compose up --scale web=3` starts three web containers at once, and
each prepares the database as it starts (docker/entrypoint.sh). Two
`migrate` runs at once can both try to create the same table, and two demo
loads the same rows; so on PostgreSQL the preparation holds a session-level
advisory lock, and the second container waits, then finds nothing left to do.
SQLite is one machine and one file: there the steps simply run.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# pg_advisory_lock's key: any constant of ours, the same in every container.
PREPARE_LOCK = 7_160_016


class Command(BaseCommand):
    help = "Migrate, create the cache table and optionally load the demo data, one at a time."

    def add_arguments(self, parser):
        parser.add_argument("--demo-data", action="store_true", help="Also run load_demo_data.")

    def handle(self, *args, demo_data: bool, **options):
        locked = connection.vendor == "postgresql"
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [PREPARE_LOCK])
        try:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            call_command("createcachetable", verbosity=0)
            if demo_data:
                call_command("load_demo_data", verbosity=options["verbosity"])
        finally:
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [PREPARE_LOCK])
        self.stdout.write("Database prepared.")
