"""Atom feeds: new comments per list and per city, the moderation log, each list's movers.

Django's syndication framework writes them; each view is cached for
anonymous visitors like the pages it mirrors, and reads a constant number of
queries whatever the list's size. A feed shows only what its page shows:
visible comments on approved contenders, never a hidden, deleted or
pending one.
"""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from cities.models import City, Contender, ContenderList
from comments.models import Comment, ModerationLogEntry, RankSnapshot
from techvote.middleware import cache_for_anonymous

FEED_ITEMS = 30
MOVERS_DAYS = 14  # Entries of the movers feed: the last days on which the list moved.
MOVERS_SHOWN = 5  # Climbers and fallers named in an entry's title, each way.


class _CommentsFeed(Feed):
    """The newest visible comments (replies too) about a `model` found by its slug."""

    feed_type = Atom1Feed
    model: type
    about: str  # The comment's path to the model.

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def link(self, subject):
        return subject.get_absolute_url()

    def items(self, subject):
        return (
            Comment.objects.visible()
            .filter(contender__status=Contender.Status.APPROVED, **{self.about: subject})
            .select_related("author", "contender__city", "contender__contender_list")
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, comment):
        contender = comment.contender
        return (
            f"{comment.author.username} on {contender.city.name} "
            f"in {contender.contender_list.title}"
        )

    def item_description(self, comment):
        return comment.body

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at

    def item_author_name(self, comment):
        return comment.author.username


class ListCommentsFeed(_CommentsFeed):
    model, about = ContenderList, "contender__contender_list"

    def title(self, contender_list):
        return f"New comments: {contender_list.title} (TechVote)"

    def subtitle(self, contender_list):
        return f"What members say about the cities of “{contender_list.title}”, newest first."


class CityCommentsFeed(_CommentsFeed):
    model, about = City, "contender__city"

    def title(self, city):
        return f"New comments on {city.name} (TechVote)"

    def subtitle(self, city):
        return f"What members say about {city.name} in every list, newest first."


class ModerationLogFeed(Feed):
    """Every moderator action, newest first, as /moderation/ shows it."""

    feed_type = Atom1Feed
    title = "Moderation log (TechVote)"
    subtitle = "Every action the moderators take, who took it and why, newest first."

    def link(self):
        return reverse("comments:moderation_log")

    def items(self):
        return ModerationLogEntry.objects.select_related("moderator").order_by(
            "-created_at", "-pk"
        )[:FEED_ITEMS]

    def item_title(self, entry):
        return f"{entry.get_action_display()}: {entry.subject}"

    def item_description(self, entry):
        return f"By {entry.moderator.username}. Reason: {entry.reason or 'none given'}."

    def item_link(self, entry):
        return f"{reverse('comments:moderation_log')}#entry-{entry.pk}"

    def item_pubdate(self, entry):
        return entry.created_at

    def item_author_name(self, entry):
        return entry.moderator.username


@dataclass(frozen=True)
class Move:
    city: str
    before: int | None  # None: joined the list that day.
    after: int

    @property
    def gain(self) -> int:
        return 0 if self.before is None else self.before - self.after

    def __str__(self):
        if self.before is None:
            return f"{self.city} joined at #{self.after}"
        way = "up" if self.gain > 0 else "down"
        return f"{self.city} {way} {abs(self.gain)} (#{self.before} → #{self.after})"


@dataclass(frozen=True)
class MoversDay:
    """What moved on a day with votes: from its morning to the next snapshot's morning."""

    contender_list: ContenderList
    day: date
    until: date  # The morning the moves are read at: the next snapshot.
    moves: list[Move]  # Largest move first.

    @property
    def summary(self) -> str:
        climbers = [str(move) for move in self.moves if move.gain > 0][:MOVERS_SHOWN]
        fallers = [str(move) for move in self.moves if move.gain < 0][:MOVERS_SHOWN]
        return "; ".join(climbers + fallers) or "Nothing changed places."


def movers_days(contender_list: ContenderList) -> list[MoversDay]:
    """The list's last MOVERS_DAYS days of moves, newest first, from its snapshots. One query.

    A snapshot is taken before a day's first vote, so between two consecutive
    snapshot mornings only the earlier day had votes: every move between them
    happened that day.
    """
    since = timezone.localdate() - timedelta(days=4 * MOVERS_DAYS)
    rows = (
        RankSnapshot.objects.filter(
            contender__contender_list=contender_list,
            contender__status=Contender.Status.APPROVED,
            taken_on__gte=since,
        )
        .order_by("taken_on", "rank")
        .values_list("taken_on", "contender_id", "rank", "contender__city__name")
    )
    mornings: dict[date, dict[int, tuple[int, str]]] = {}
    for taken_on, contender_id, rank, city in rows:
        mornings.setdefault(taken_on, {})[contender_id] = (rank, city)
    days = sorted(mornings)
    found = []
    for day, until in itertools.pairwise(days):
        before, after = mornings[day], mornings[until]
        moves = [
            Move(city, before.get(contender_id, (None,))[0], rank)
            for contender_id, (rank, city) in after.items()
            if before.get(contender_id, (None,))[0] != rank
        ]
        moves.sort(key=lambda move: (-abs(move.gain), move.after))
        found.append(MoversDay(contender_list, day, until, moves))
    return found[::-1][:MOVERS_DAYS]


class MoversFeed(Feed):
    """Each day's climbers and fallers of a list, by its own method."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(ContenderList, slug=slug)

    def title(self, contender_list):
        return f"Movers: {contender_list.title} (TechVote)"

    def subtitle(self, contender_list):
        return f"Who climbed and who fell in “{contender_list.title}”, day by day."

    def link(self, contender_list):
        return contender_list.get_absolute_url()

    def items(self, contender_list):
        return movers_days(contender_list)

    def item_title(self, movers):
        return f"{movers.day.day} {movers.day:%B %Y}: {movers.summary}"

    def item_description(self, movers):
        lines = [str(move) for move in movers.moves] or ["Nothing changed places."]
        return "\n".join(lines)

    def item_link(self, movers):
        # The list as it stood the morning after: what the day's votes made of it.
        return f"{movers.contender_list.get_absolute_url()}?on={movers.until.isoformat()}"

    def item_pubdate(self, movers):
        return timezone.make_aware(datetime.combine(movers.until, time.min))


list_comments_feed = cache_for_anonymous(ListCommentsFeed())
city_comments_feed = cache_for_anonymous(CityCommentsFeed())
moderation_log_feed = cache_for_anonymous(ModerationLogFeed())
movers_feed = cache_for_anonymous(MoversFeed())
