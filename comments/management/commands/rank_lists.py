from django.core.management.base import BaseCommand, CommandError

from cities.models import ContenderList
from comments.tallies import count_list, find_count_drift
from comments.uncertainty import find_bootstrap_drift
from techvote.progress import Progress


class Command(BaseCommand):
    help = (
        "Count every list (or one, with --list) by the ranked methods, Schulze, Borda and "
        "Duels (Bradley-Terry), from its ballots, votes and duels, and store the results, "
        "as the queued job does; each count queues the bootstrap of its rank intervals. "
        "With --check, change nothing: recount and resample from the rows, report every "
        "stored result and rank interval that differs (or is stale) and exit non-zero if "
        "there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", dest="slug", help="Only the list with this slug.")
        parser.add_argument(
            "--check", action="store_true", help="Only compare; exit 1 if anything differs."
        )

    def handle(self, *args, slug=None, check=False, **options):
        lists = ContenderList.objects.order_by("pk")
        if slug is not None:
            lists = lists.filter(slug=slug)
            if not lists.exists():
                raise CommandError(f"No list has the slug {slug!r}.")
        lists = list(lists)
        progress = Progress("checking" if check else "counting", len(lists))
        drift, intervals, contenders = [], [], 0
        for contender_list in lists:
            if check:
                drift += [
                    f"{contender_list.slug}: {item}" for item in find_count_drift(contender_list)
                ]
                intervals += [
                    f"{contender_list.slug}: {item}"
                    for item in find_bootstrap_drift(contender_list)
                ]
            else:
                contenders += len(count_list(contender_list).inputs.contender_ids)
            progress.advance()
        progress.finish()
        for item in drift + intervals:
            self.stdout.write(item)
        problems = []
        if drift:
            problems.append(f"{len(drift)} stored results differ from a recount")
        if intervals:
            problems.append(
                f"{len(intervals)} stored rank intervals are stale or differ from a bootstrap"
            )
        if problems:
            raise CommandError("; ".join(problems) + ".")
        done = (
            f"{len(lists)} lists checked, every stored result and rank interval matches the rows"
            if check
            else f"{len(lists)} lists counted by Schulze, Borda and Duels, "
            f"{contenders} contenders ranked, their rank intervals queued"
        )
        self.stdout.write(self.style.SUCCESS(f"Ranked counts: {done}."))
