from django.core.management.base import BaseCommand, CommandError

from cities.demo.loader import DemoDataError
from comments.demo import load_demo_data


class Command(BaseCommand):
    help = "Load the demo cities and contender lists. Running it again changes nothing."

    def handle(self, *args, **options):
        try:
            report = load_demo_data()
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded; {report.changed} rows written."))
