from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cities.models import ContenderList
from comments.exports import ExportRefused, export_list
from techvote.progress import Progress


class Command(BaseCommand):
    help = (
        "Export every list (or one, with --list) as the day's open data: a zip of its "
        "contenders, counted votes and ballots under pseudonyms, every method's result, "
        "the bundled verify.py and a manifest chained to the list's previous export, as "
        "the scheduled job does. A day already exported is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", dest="slug", help="Only the list with this slug.")
        parser.add_argument(
            "--day",
            type=self.parse_day,
            help="The day to export, YYYY-MM-DD (default: today, UTC).",
        )

    @staticmethod
    def parse_day(value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--day must be a date as YYYY-MM-DD, not {value!r}.") from None

    def handle(self, *args, slug=None, day=None, **options):
        lists = ContenderList.objects.order_by("position", "pk")
        if slug is not None:
            lists = lists.filter(slug=slug)
            if not lists.exists():
                raise CommandError(f"No list has the slug {slug!r}.")
        lists = list(lists)
        progress = Progress("exporting", len(lists))
        created = kept = size = 0
        exported_day = day or timezone.now().date()
        refusals = []
        for contender_list in lists:
            try:
                result = export_list(contender_list=contender_list, day=day)
            except ExportRefused as refusal:
                refusals.append(str(refusal))
            else:
                created += result.created
                kept += not result.created
                size += result.export.size if result.created else 0
            progress.advance()
        progress.finish()
        if refusals:
            raise CommandError(" ".join(refusals))
        self.stdout.write(
            self.style.SUCCESS(
                f"Open data: {created} lists exported for {exported_day:%Y-%m-%d} "
                f"({size / 1024:,.0f} KB), {kept} already exported that day."
            )
        )
