from django.core.management.base import BaseCommand, CommandError

from cities.models import ContenderList
from comments.counts import find_drift, recount_list


class Command(BaseCommand):
    help = (
        "Rebuild every contender's stored counts (votes, score, Wilson bound, visible "
        "comments) from the rows; ranks follow from them. "
        "With --check, change nothing: report any drift and exit non-zero if there is some."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report drift; exit 1 if there is any."
        )

    def handle(self, *args, check=False, **options):
        total = 0
        for contender_list in ContenderList.objects.order_by("pk"):
            if check:
                drift = find_drift(contender_list)
                for item in drift:
                    self.stdout.write(f"{contender_list.slug}: {item}")
                total += len(drift)
            else:
                fixed = recount_list(contender_list)
                if fixed:
                    self.stdout.write(f"{contender_list.slug}: {fixed} contenders corrected")
                total += fixed
        if check and total:
            raise CommandError(f"{total} stored values differ from the votes.")
        verb = "found no drift" if check else f"corrected {total} contenders"
        self.stdout.write(self.style.SUCCESS(f"Rankings checked: {verb}."))
