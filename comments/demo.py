"""The demo participation: demo voters, their votes, ballots and duels, and the conversation.

Demo voters (accounts nobody can log in to) vote on every list so that the
rankings come from votes, in the order the list file gives, and hold the
demo conversation in cities/demo/comments.toml. `load_demo_data` loads the
cities and lists first (cities.demo.loader), then these, in one transaction;
loading twice changes nothing.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cities.demo.loader import DemoDataError, LoadReport, load_demo_cities, read_demo_file
from cities.models import Contender, ContenderList
from comments.counts import recount_list
from comments.demo_history import backfill_list
from comments.models import (
    BALLOT_SIZE,
    Ballot,
    BallotEntry,
    Comment,
    CommentVote,
    Duel,
    Vote,
    VoteValue,
)
from comments.tallies import count_list
from comments.uncertainty import bootstrap_list

User = get_user_model()


# Demo voters are named from these words: 12 x 6 = 72 accounts.
VOTER_ADJECTIVES = [
    "quantum", "pixel", "neon", "silicon", "fiber", "cloud",
    "lambda", "vector", "photon", "cyber", "turbo", "nano",
]  # fmt: skip
VOTER_NOUNS = ["fox", "owl", "otter", "heron", "lynx", "panda"]
DEMO_EMAIL_DOMAIN = "demo.techvote.example"


def _demo_voters(report: LoadReport) -> list:
    """The demo accounts: verified addresses, unusable passwords."""
    names = [f"{adjective}_{noun}" for adjective in VOTER_ADJECTIVES for noun in VOTER_NOUNS]
    existing = {user.username: user for user in User.objects.filter(username__in=names)}
    voters = []
    for name in names:
        user = existing.get(name)
        if user is None:
            user = User(username=name, email=f"{name}@{DEMO_EMAIL_DOMAIN}")
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        report.record("Demo voters", "created" if name not in existing else "unchanged")
        voters.append(user)
    return voters


def demo_tally(position: int) -> tuple[int, int]:
    """Up and down votes for the contender at `position` (0 = first) of a demo list.

    Up votes fall and down votes never rise as the position grows, so both
    the net score and the Wilson bound put the list in its file order.
    """
    return 60 - position, position // 10


def _load_demo_votes(report: LoadReport, contender_list: ContenderList, slugs: list, voters):
    """Votes that give each contender its demo tally, then counts and ranks from the rows."""
    contenders = {
        c.city.slug: c
        for c in contender_list.contenders.select_related("city").filter(city__slug__in=slugs)
    }
    existing = set(
        Vote.objects.filter(contender__in=contenders.values()).values_list("user", "contender")
    )
    new_votes = []
    for position, slug in enumerate(slugs):
        contender = contenders[slug]
        up, down = demo_tally(position)
        start = position * 7  # Spread the voters so no one votes the same on everything.
        for offset in range(up + down):
            voter = voters[(start + offset) % len(voters)]
            if (voter.pk, contender.pk) in existing:
                report.record("Demo votes", "unchanged")
                continue
            value = VoteValue.UP if offset < up else VoteValue.DOWN
            new_votes.append(Vote(user=voter, contender=contender, value=value))
            report.record("Demo votes", "created")
    Vote.objects.bulk_create(new_votes)
    recount_list(contender_list)


# How many demo voters rank their own top ten on each open list.
DEMO_BALLOTS_PER_LIST = 40


def demo_ballot(slugs: list[str], voter_number: int, favourite: str | None = None) -> list[str]:
    """The top ten demo voter `voter_number` ranks: the list's order, best first, with two
    neighbours below the first place swapped (which two depends on the voter), and
    `favourite` moved to the first place where the list names one."""
    top = list(slugs[: BALLOT_SIZE + 1])
    if favourite is not None:
        top.remove(favourite)
        top.insert(0, favourite)
    swap = 1 + voter_number % (len(top) - 2)
    top[swap], top[swap + 1] = top[swap + 1], top[swap]
    return top[:BALLOT_SIZE]


def _load_demo_ballots(report: LoadReport, contender_list: ContenderList, data: dict, voters):
    """The demo voters' ballots on an open list; an existing ballot is left as it is."""
    if not contender_list.is_open:
        return
    contenders = dict(
        contender_list.contenders.filter(city__slug__in=data["contenders"]).values_list(
            "city__slug", "pk"
        )
    )
    balloted = set(contender_list.ballots.values_list("user", flat=True))
    new_ballots = {}
    for number, voter in enumerate(voters[:DEMO_BALLOTS_PER_LIST]):
        if voter.pk in balloted:
            report.record("Demo ballots", "unchanged")
            continue
        new_ballots[voter.pk] = demo_ballot(
            data["contenders"], number, data.get("ballot_favourite")
        )
        report.record("Demo ballots", "created")
    created = Ballot.objects.bulk_create(
        Ballot(user_id=user_id, contender_list=contender_list) for user_id in new_ballots
    )
    BallotEntry.objects.bulk_create(
        BallotEntry(ballot=ballot, contender_id=contenders[slug], position=position)
        for ballot in created
        for position, slug in enumerate(new_ballots[ballot.user_id], start=1)
    )


# How many duels each demo voter answers on each open list.
DEMO_DUELS_PER_VOTER = 5


def demo_duel(size: int, voter_number: int, number: int) -> tuple[int, int, int | None]:
    """Duel `number` of demo voter `voter_number` on a list of `size`, as places in the
    list's order (0 first): left, right, and the winner, or None for "can't decide".

    Close pairs (one to three places apart, never a contender against
    itself however short the list); the better placed wins, but for
    one answer in four, and one in eleven is undecided, so the Duels method
    mostly follows the list with a few upsets.
    """
    first = (voter_number * 5 + number * 11) % size
    second = (first + 1 + (voter_number + number) % min(3, size - 1)) % size
    left, right = (first, second) if (voter_number + number) % 2 else (second, first)
    if (voter_number + number) % 11 == 0:
        return left, right, None
    upset = (voter_number * 3 + number) % 4 == 0
    return left, right, max(first, second) if upset else min(first, second)


def _load_demo_duels(report: LoadReport, contender_list: ContenderList, slugs: list, voters):
    """The demo voters' duels on an open list; a voter with duels there already is skipped."""
    if not contender_list.is_open or len(slugs) < 2:
        return
    ids = dict(
        contender_list.contenders.filter(city__slug__in=slugs).values_list("city__slug", "pk")
    )
    places = [ids[slug] for slug in slugs]
    dueled = set(contender_list.duels.values_list("user", flat=True))
    duels = []
    for voter_number, voter in enumerate(voters):
        if voter.pk in dueled:
            report.record("Demo duels", "unchanged")
            continue
        report.record("Demo duels", "created")
        for number in range(1, DEMO_DUELS_PER_VOTER + 1):
            left, right, winner = demo_duel(len(places), voter_number, number)
            duels.append(
                Duel(
                    user=voter,
                    contender_list=contender_list,
                    number=number,
                    left_id=places[left],
                    right_id=places[right],
                    winner_id=None if winner is None else places[winner],
                )
            )
    Duel.objects.bulk_create(duels)


def _load_thumbs(comment: Comment, likes: int, dislikes: int, voters) -> None:
    """Thumbs from demo voters other than the author, and the counters from them."""
    others = [voter for voter in voters if voter.pk != comment.author_id]
    start = comment.pk * 5 % len(others)
    chosen = [others[(start + offset) % len(others)] for offset in range(likes + dislikes)]
    CommentVote.objects.bulk_create(
        CommentVote(
            user=voter, comment=comment, value=VoteValue.UP if i < likes else VoteValue.DOWN
        )
        for i, voter in enumerate(chosen)
    )
    Comment.objects.filter(pk=comment.pk).update(
        upvotes=likes, downvotes=dislikes, score=likes - dislikes
    )


def _load_demo_comments(report: LoadReport, voters) -> None:
    """The demo conversation: comments, replies and thumbs, spread over the past weeks."""
    by_name = {voter.username: voter for voter in voters}
    contenders = {
        (c.contender_list.slug, c.city.slug): c
        for c in Contender.objects.select_related("contender_list", "city")
    }
    now = timezone.now()
    for number, item in enumerate(read_demo_file("comments.toml")["comment"]):
        contender = contenders.get((item["list"], item["city"]))
        if contender is None:
            raise DemoDataError(f"comment {number}: {item['city']} is not in {item['list']}")
        # Older comments first in the file, a few hours apart; replies follow them.
        posted = now - timedelta(hours=(140 - number) * 2.5)
        root = _load_comment(report, contender, item, by_name, voters, posted, parent=None)
        for offset, reply in enumerate(item.get("reply", []), start=1):
            _load_comment(
                report,
                contender,
                reply,
                by_name,
                voters,
                posted + timedelta(hours=offset * 3),
                root,
            )


def _load_comment(report, contender, item, by_name, voters, posted, parent):
    author = by_name[item["author"]]
    body = item["body"].strip()
    comment = Comment.objects.filter(contender=contender, author=author, body=body).first()
    if comment is not None:
        report.record("Demo comments", "unchanged")
        return comment
    comment = Comment.objects.create(contender=contender, author=author, body=body, parent=parent)
    Comment.objects.filter(pk=comment.pk).update(created_at=posted)
    _load_thumbs(comment, item["likes"], item["dislikes"], voters)
    report.record("Demo comments", "created")
    return comment


@transaction.atomic
def load_demo_data() -> LoadReport:
    """Load every demo file into the database; safe to run again."""
    report = LoadReport()
    lists = load_demo_cities(report)
    voters = _demo_voters(report)
    _load_demo_comments(report, voters)
    for data, contender_list in lists:
        _load_demo_votes(report, contender_list, data["contenders"], voters)
        _load_demo_ballots(report, contender_list, data, voters)
        _load_demo_duels(report, contender_list, data["contenders"], voters)
        count_list(contender_list)  # Schulze, Borda and Duels, from the votes, ballots and duels.
        bootstrap_list(contender_list)  # Their rank intervals, now rather than once queued.
        backfill_list(report, contender_list)  # Months of daily ranks behind today's.
    return report
