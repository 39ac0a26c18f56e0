from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse

from cities.models import Contender, ContenderList


class VoteValue(models.IntegerChoices):
    UP = 1, "Up"
    DOWN = -1, "Down"


class VoteQuerySet(models.QuerySet):
    def values_by_contender(self, user, contender_ids) -> dict[int, int]:
        """The user's vote (1 or -1) on each of these contenders, in one query.

        Every signed-in list page asks this, and building it with the ORM took
        three times longer than running it, so it is written in SQL (the
        vote_one_per_user index answers it).
        """
        if not user.is_authenticated or not contender_ids:
            return {}
        placeholders = ", ".join(["%s"] * len(contender_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT contender_id, value FROM {self.model._meta.db_table} "
                f"WHERE user_id = %s AND contender_id IN ({placeholders}) "
                "AND voided_at IS NULL",
                [user.pk, *contender_ids],
            )
            return dict(cursor.fetchall())

    def values_in_list(self, user, contender_list_id: int) -> dict[int, int]:
        """The user's counted votes (1 or -1) in a list, by contender, in one query."""
        contenders = self.model._meta.get_field("contender").related_model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT v.contender_id, v.value FROM {self.model._meta.db_table} v "
                f"JOIN {contenders} c ON c.id = v.contender_id "
                "WHERE v.user_id = %s AND c.contender_list_id = %s AND v.voided_at IS NULL",
                [user.pk, contender_list_id],
            )
            return dict(cursor.fetchall())

    def counted(self):
        """Votes that count: all but those a moderator voided."""
        return self.filter(voided_at__isnull=True)

    def shown_on_profile_of(self, user):
        """The member's counted votes, newest first, with the city and list each shows."""
        return (
            self.counted()
            .filter(user=user)
            .select_related("contender__city", "contender__contender_list")
            .order_by("-updated_at", "-pk")
        )


class Vote(models.Model):
    """One user's vote on one contender. No row means no vote.

    Only comments.votes.cast_vote writes these rows, together with the
    contender's counts, in one transaction.
    """

    Value = VoteValue

    # PROTECT: a user or contender with votes is suspended or rejected, never
    # deleted, so the counts always match the rows.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="votes"
    )
    contender = models.ForeignKey(Contender, on_delete=models.PROTECT, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    voided_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a moderator voids the vote; it stops counting."
    )

    objects = VoteQuerySet.as_manager()

    class Meta:
        permissions = [("void_vote", "Can void a member's votes")]
        constraints = [
            models.UniqueConstraint(fields=["user", "contender"], name="vote_one_per_user"),
            models.CheckConstraint(
                condition=Q(value__in=VoteValue.values), name="vote_value_up_or_down"
            ),
        ]
        indexes = [
            # Recounting a contender; the unique constraint serves the user's side.
            models.Index(fields=["contender", "value"], name="vote_contender_idx"),
            models.Index(fields=["user", "-updated_at"], name="vote_user_recent_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_value_display().lower()} {self.contender_id}"


BALLOT_SIZE = 10  # "My top ten": a ballot ranks at most this many contenders.


class BallotQuerySet(models.QuerySet):
    def counted(self):
        """Ballots that count: all but those a moderator voided."""
        return self.filter(voided_at__isnull=True)


class Ballot(models.Model):
    """A member's own top ten for a list: their contenders in order, best first.

    One per member and list. Only comments.ballots writes ballots and their
    entries, always together, in one transaction, so no ballot is ever seen
    half-written.
    """

    # PROTECT, as for votes: a member or list with ballots is suspended or
    # closed, never deleted, so a recount always finds the ballots it counted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballots"
    )
    contender_list = models.ForeignKey(
        ContenderList, on_delete=models.PROTECT, related_name="ballots"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    voided_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a moderator voids the ballot; it stops counting.",
    )

    objects = BallotQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "contender_list"], name="ballot_one_per_list"),
        ]
        indexes = [models.Index(fields=["contender_list", "user"], name="ballot_list_idx")]

    def __str__(self):
        return f"{self.user}'s ballot for {self.contender_list_id}"


class BallotEntryQuerySet(models.QuerySet):
    def shown_on_profile_of(self, user):
        """The member's counted ballots, list by list as the home page orders them, each
        best first, without the cities that have left the list since."""
        return (
            self.filter(
                ballot__user=user,
                ballot__voided_at__isnull=True,
                contender__status=Contender.Status.APPROVED,
            )
            .select_related("ballot__contender_list", "contender__city")
            .order_by(
                "ballot__contender_list__position", "ballot__contender_list__title", "position"
            )
        )


class BallotEntry(models.Model):
    """One place on a ballot: the contender the member ranks at `position` (1 is best)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries")
    contender = models.ForeignKey(
        Contender, on_delete=models.PROTECT, related_name="ballot_entries"
    )
    position = models.PositiveSmallIntegerField()

    objects = BallotEntryQuerySet.as_manager()

    class Meta:
        ordering = ["ballot", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "contender"], name="ballotentry_contender_once"
            ),
            models.UniqueConstraint(
                fields=["ballot", "position"], name="ballotentry_position_once"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=BALLOT_SIZE),
                name="ballotentry_position_1_to_10",
            ),
        ]
        indexes = [models.Index(fields=["contender"], name="ballotentry_contender_idx")]

    def __str__(self):
        return f"#{self.position}: {self.contender_id}"


DUEL_REASON_MAX_LENGTH = 200  # A few words on why a pair could not be decided.


class DuelQuerySet(models.QuerySet):
    def counted(self):
        """Duels that count: all but those a moderator voided."""
        return self.filter(voided_at__isnull=True)

    def latest_of(self, user, contender_list) -> "Duel | None":
        """The member's last duel in the list (its number and pair), or None: one query."""
        if not user.is_authenticated:
            return None
        return (
            self.filter(user=user, contender_list=contender_list)
            .order_by("-number")
            .only("number", "left_id", "right_id")
            .first()
        )


class Duel(models.Model):
    """A member's answer to one head-to-head question: left, right, or can't decide.

    One row per answer, numbered 1, 2, ... per member and list; the number
    is unique, so a double click or a second window posting the same duel
    stores it once. `winner` is left or right, or empty for "can't decide",
    which may carry a reason (as All Our Ideas records). Only comments.duels
    writes these rows; a moderator voids them, never deletes them.
    """

    # PROTECT, as for votes: a member or contender with duels is suspended or
    # rejected, never deleted, so a recount finds every duel it counted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duels"
    )
    contender_list = models.ForeignKey(
        ContenderList, on_delete=models.PROTECT, related_name="duels"
    )
    number = models.PositiveIntegerField(help_text="The member's nth duel in this list.")
    left = models.ForeignKey(Contender, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(Contender, on_delete=models.PROTECT, related_name="+")
    winner = models.ForeignKey(
        Contender,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the member could not decide.",
    )
    reason = models.CharField(
        max_length=DUEL_REASON_MAX_LENGTH,
        blank=True,
        help_text="Why the member could not decide (optional).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a moderator voids the duel; it stops counting."
    )

    objects = DuelQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "contender_list", "number"], name="duel_numbered_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="duel_number_from_1"),
            models.CheckConstraint(condition=~Q(left=F("right")), name="duel_two_contenders"),
            models.CheckConstraint(
                condition=Q(winner__isnull=True) | Q(winner=F("left")) | Q(winner=F("right")),
                name="duel_winner_is_left_or_right",
            ),
            models.CheckConstraint(
                condition=Q(winner__isnull=True) | Q(reason=""),
                name="duel_reason_only_when_undecided",
            ),
        ]
        indexes = [
            # The count reads a list's duels; the unique constraint serves a member's.
            models.Index(fields=["contender_list", "user"], name="duel_list_idx"),
        ]

    def __str__(self):
        outcome = f"won by {self.winner_id}" if self.winner_id else "undecided"
        return f"{self.user}: {self.left_id} v {self.right_id}, {outcome}"


class RankSnapshot(models.Model):
    """A contender's rank and score as a day began: the arrows, the charts and `?on=`.

    Taken before the first vote of each day on a list (comments.votes), so a
    day without a snapshot is a day nothing moved: the list stood then as it
    stands at the next snapshot (comments.history).
    """

    contender = models.ForeignKey(Contender, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField()
    rank = models.PositiveIntegerField(help_text="Rank by the list's own method.")
    score = models.IntegerField()
    # The ranked methods' places as their latest count left them that morning
    # (MethodStanding); empty where the list had not been counted yet.
    schulze_rank = models.PositiveIntegerField(null=True, blank=True)
    borda_rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["contender", "taken_on"], name="ranksnapshot_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1)
                & (Q(schulze_rank__isnull=True) | Q(schulze_rank__gte=1))
                & (Q(borda_rank__isnull=True) | Q(borda_rank__gte=1)),
                name="ranksnapshot_ranks_from_one",
            ),
        ]

    def __str__(self):
        return f"#{self.rank} on {self.taken_on}"


def readable_by(reader) -> Q:
    """Visible comments, and the reader's own hidden ones (not those they deleted)."""
    visible = Q(deleted_at__isnull=True, hidden_at__isnull=True)
    if reader is None or not reader.is_authenticated:
        return visible
    return visible | Q(author=reader, deleted_at__isnull=True)


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments anyone may read: neither deleted by their author nor hidden by a moderator."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)

    def shown_to(self, reader):
        """Comments `reader` may read: the visible ones, and their own that a moderator hid
        (shown to them alone, with the reason)."""
        return self.filter(readable_by(reader))

    def threads(self, reader=None):
        """Top-level comments worth a place on a page: those `reader` may read
        (`shown_to`), or gone but with visible replies.

        A deleted or hidden comment that has replies stays as a placeholder
        so the conversation under it still makes sense.
        """
        visible_reply = Comment.objects.visible().filter(parent=models.OuterRef("pk"))
        return self.filter(parent__isnull=True).filter(
            readable_by(reader) | models.Exists(visible_reply)
        )

    def top_of(self, contenders) -> dict[int, "Comment"]:
        """Each contender's most liked visible top-level comment, with its author, in one query.

        A correlated subquery picks one comment per contender from the
        comment_top_idx index, so the cost follows the number of contenders
        asked about, not the number of comments they have.
        """
        if not contenders:
            return {}
        best = (
            Comment.objects.visible()
            .filter(contender=models.OuterRef("pk"), parent__isnull=True)
            .order_by("-score", "created_at", "pk")
            .values("pk")[:1]
        )
        best_ids = Contender.objects.filter(pk__in=[c.pk for c in contenders]).values(
            best=models.Subquery(best)
        )
        comments = self.filter(pk__in=best_ids).select_related("author")
        return {comment.contender_id: comment for comment in comments}

    def shown_on_profile_of(self, user):
        """The member's visible comments on approved contenders, newest first."""
        return (
            self.visible()
            .filter(author=user, contender__status=Contender.Status.APPROVED)
            .select_related("contender__city", "contender__contender_list")
            .order_by("-created_at")
        )

    def sorted_by(self, sort: str):
        """Top first (score, then oldest) or newest first."""
        if sort == CommentSort.NEWEST:
            return self.order_by("-created_at", "-pk")
        return self.order_by("-score", "created_at", "pk")


class CommentSort(models.TextChoices):
    TOP = "top", "Top"
    NEWEST = "new", "Newest"


# How pages name the author of a comment whose account was deleted.
DELETED_MEMBER = "[deleted member]"

# Longer than any argument needs; a wall of text is rarely read.
COMMENT_MAX_LENGTH = 5000
COMMENT_MIN_LENGTH = 2


class Comment(models.Model):
    """What a member says about a city in a list; one level of replies.

    Never deleted: an author's delete sets `deleted_at`, a moderator's hide
    sets `hidden_at`, and every edit keeps the earlier text as a revision.
    """

    contender = models.ForeignKey(Contender, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="Deleted by its author.")
    hidden_at = models.DateTimeField(null=True, blank=True, help_text="Hidden by a moderator.")
    hidden_reason = models.CharField(max_length=500, blank=True)
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0, help_text="Thumbs up minus thumbs down.")

    objects = CommentQuerySet.as_manager()

    class Meta:
        permissions = [("hide_comment", "Can hide and restore comments")]
        indexes = [
            # A contender's threads, top or newest first, and its top comment.
            models.Index(
                F("contender"),
                F("score").desc(),
                F("created_at"),
                name="comment_top_idx",
                condition=Q(parent__isnull=True),
            ),
            models.Index(
                F("contender"),
                F("created_at").desc(),
                name="comment_newest_idx",
                condition=Q(parent__isnull=True),
            ),
            models.Index(fields=["parent", "created_at"], name="comment_replies_idx"),
            models.Index(fields=["author", "-created_at"], name="comment_author_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("body"), COMMENT_MIN_LENGTH)
                & LessThanOrEqual(Length("body"), COMMENT_MAX_LENGTH),
                name="comment_body_length",
            ),
            models.CheckConstraint(
                condition=Q(score=F("upvotes") - F("downvotes")),
                name="comment_score_is_net_thumbs",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="comment_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author}"

    def get_absolute_url(self):
        return reverse("comments:comment", args=[self.pk])

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None

    @property
    def author_is_gone(self) -> bool:
        """Whether the author deleted their account (or it was closed): the text stays,
        their name does not. Needs the author loaded."""
        return not self.author.is_active

    @property
    def author_name(self) -> str:
        """Who wrote it, as pages name them. Needs the author loaded."""
        return DELETED_MEMBER if self.author_is_gone else self.author.username


class CommentRevision(models.Model):
    """The text of a comment before an edit: nothing a member wrote is lost."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    body = models.TextField()
    written_at = models.DateTimeField(help_text="When this text was posted or last edited.")

    class Meta:
        ordering = ["-written_at"]

    def __str__(self):
        return f"Comment {self.comment_id} as written at {self.written_at:%Y-%m-%d %H:%M}"


class CommentVote(models.Model):
    """A member's thumb up (1) or down (-1) on a comment; no row means none."""

    Value = VoteValue

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comment_votes"
    )
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="commentvote_one_per_user"),
            models.CheckConstraint(
                condition=Q(value__in=VoteValue.values), name="commentvote_value_up_or_down"
            ),
        ]
        indexes = [models.Index(fields=["comment", "value"], name="commentvote_comment_idx")]

    def __str__(self):
        return f"{self.user} {self.get_value_display().lower()} on comment {self.comment_id}"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSE = "abuse", "Abusive or hateful"
    OFF_TOPIC = "off-topic", "Off topic"
    MISINFORMATION = "misinformation", "False or misleading"
    OTHER = "other", "Something else"


class ReportResolution(models.TextChoices):
    HIDDEN = "hidden", "Comment hidden"
    DISMISSED = "dismissed", "Dismissed"


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Reports no moderator has acted on yet."""
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A member's flag on a comment, for moderators; one per member and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    details = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=ReportResolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_reports",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        permissions = [("resolve_report", "Can dismiss reports")]
        indexes = [
            models.Index(
                fields=["comment", "-created_at"],
                name="report_open_idx",
                condition=Q(resolved_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_one_per_member"),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolution="")
                | Q(resolved_at__isnull=False, resolution__in=ReportResolution.values),
                name="report_resolved_with_a_resolution",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class Suspension(models.Model):
    """A moderator's decision that a member may read but not vote, comment, delete or report."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suspensions"
    )
    reason = models.CharField(max_length=500)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        permissions = [("suspend_user", "Can suspend and unsuspend members")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True),
                name="suspension_one_active_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} suspended: {self.reason}"


class ModerationAction(models.TextChoices):
    HIDE_COMMENT = "hide-comment", "Hid a comment"
    RESTORE_COMMENT = "restore-comment", "Restored a comment"
    DISMISS_REPORTS = "dismiss-reports", "Dismissed reports"
    APPROVE_CONTENDER = "approve-contender", "Approved a suggested contender"
    REJECT_CONTENDER = "reject-contender", "Rejected a suggested contender"
    SUSPEND_USER = "suspend-user", "Suspended a member"
    UNSUSPEND_USER = "unsuspend-user", "Lifted a suspension"
    VOID_VOTES = "void-votes", "Voided a member's votes"


class ModerationLogEntry(models.Model):
    """Who did what, to what, when and why: public at /moderation/."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_log"
    )
    action = models.CharField(max_length=20, choices=ModerationAction.choices)
    reason = models.CharField(max_length=500, blank=True)
    # What the action was about, named as it was at the time.
    subject = models.CharField(max_length=300)
    comment = models.ForeignKey(
        Comment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contender = models.ForeignKey(
        Contender, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "moderation log entries"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ModerationAction.values), name="moderationlog_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.moderator}: {self.get_action_display()} ({self.subject})"


class ReportedComment(Comment):
    """Comments with open reports: the moderators' queue in admin."""

    class Meta:
        proxy = True
        verbose_name = "reported comment"


class Member(User):
    """Members as moderators see them in admin: to suspend, unsuspend, void votes."""

    class Meta:
        proxy = True


DISPLAY_NAME_MAX_LENGTH = 50
BIO_MAX_LENGTH = 300


class MemberProfile(models.Model):
    """What a member says about themself on their page, and whether it shows their votes.

    A member without a row has the defaults: no name or bio, votes private.
    Accounts older than profiles got a row with their votes public, as their
    page always showed them. Only comments.members writes these rows.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX_LENGTH, blank=True)
    bio = models.CharField(max_length=BIO_MAX_LENGTH, blank=True)
    home_city = models.ForeignKey(
        "cities.City", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    votes_public = models.BooleanField(
        default=False, help_text="Whether the member's page lists their votes."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}'s profile"


class CountedMethod(models.TextChoices):
    """The ranked methods a queued job counts (comments/tallies.py), beside the live counts."""

    SCHULZE = "schulze", "Schulze"
    BORDA = "borda", "Borda"
    BRADLEY_TERRY = "duels", "Duels (Bradley-Terry)"


class ListCount(models.Model):
    """The latest count of a list by a ranked method: when, from what, and what it found.

    Written only by comments.tallies, with the list's MethodStanding rows, in
    one transaction; the bootstrap's fields (rounds to bootstrap_digest) by
    comments.uncertainty, which resamples after the count, in a job of its own.
    """

    contender_list = models.ForeignKey(
        ContenderList, on_delete=models.CASCADE, related_name="counts"
    )
    method = models.CharField(max_length=20, choices=CountedMethod.choices)
    counted_at = models.DateTimeField()
    inputs_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the ballots, votes and contenders counted."
    )
    ballots = models.PositiveIntegerField(help_text="Members counted through their ballot.")
    voters = models.PositiveIntegerField(
        help_text="Members without a ballot, counted through their up and down votes."
    )
    contenders = models.PositiveIntegerField()
    condorcet_counted = models.PositiveIntegerField(
        help_text="Contenders the head-to-head count covered (the leading ones on big lists)."
    )
    condorcet_winner = models.ForeignKey(
        Contender, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rounds = models.PositiveIntegerField(
        default=0, help_text="Bootstrap rounds behind the rank intervals (0: none)."
    )
    seed = models.PositiveIntegerField(
        default=0, help_text="The bootstrap's seed: a recount draws the same rounds."
    )
    resampled_members = models.PositiveIntegerField(
        default=0, help_text="Members the bootstrap drew from (those who prefer something)."
    )
    resampled_contenders = models.PositiveIntegerField(
        default=0,
        help_text="Contenders with a rank interval: all, or the leading ones (Schulze).",
    )
    bootstrapped_at = models.DateTimeField(
        null=True, blank=True, help_text="When the rank intervals were resampled (None: never)."
    )
    bootstrap_digest = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="The inputs digest of the rows the rank intervals were resampled from.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contender_list", "method"], name="listcount_one_per_method"
            ),
        ]

    def __str__(self):
        return f"{self.contender_list_id} by {self.method} at {self.counted_at:%Y-%m-%d %H:%M}"


# Below this many members resampled, a rank interval is mostly noise: pages say so instead.
MIN_RESAMPLED_MEMBERS = 10
# What the bootstrap job stores on a MethodStanding (comments.uncertainty); the count keeps them.
INTERVAL_FIELDS = ("rank_lower", "rank_upper", "top_ten_chance", "conservative_rank", "band")


def _of_its_count(field: str) -> models.Subquery:
    """A field of the ListCount of the outer standing's list and method."""
    return models.Subquery(
        ListCount.objects.filter(
            contender_list=models.OuterRef("contender_list"), method=models.OuterRef("method")
        ).values(field)[:1]
    )


def _shown_order() -> models.Case:
    """A standing's method's place in CountedMethod's order, as pages list the methods."""
    return models.Case(
        *(
            models.When(method=method, then=position)
            for position, method in enumerate(CountedMethod.values)
        ),
        default=len(CountedMethod.values),
    )


class MethodStandingQuerySet(models.QuerySet):
    def shown_for(self, contender: Contender):
        """The contender's standing by each counted method, in CountedMethod's order, each
        with `members`: how many members the method's bootstrap drew from. One query."""
        return (
            self.filter(contender=contender)
            .annotate(members=_of_its_count("resampled_members"), shown_order=_shown_order())
            .order_by("shown_order")
        )

    def leading_by_method(self, contender_list_id: int, size: int):
        """The list's first `size` standings by each counted method, with their cities.

        In CountedMethod's order, then by rank; each with what its method's
        bootstrap drew: `members`, `rounds` and `resampled_contenders`. One query.
        """
        return (
            self.filter(contender_list_id=contender_list_id, rank__lte=size)
            .select_related("contender__city")
            .defer("contender__city__profile")
            .annotate(
                members=_of_its_count("resampled_members"),
                rounds=_of_its_count("rounds"),
                resampled_contenders=_of_its_count("resampled_contenders"),
                shown_order=_shown_order(),
            )
            .order_by("shown_order", "rank")
        )


class MethodStanding(models.Model):
    """A contender's rank and score by a ranked method, as the list's latest count left them."""

    contender_list = models.ForeignKey(
        ContenderList, on_delete=models.CASCADE, related_name="method_standings"
    )
    contender = models.ForeignKey(
        Contender, on_delete=models.CASCADE, related_name="method_standings"
    )
    method = models.CharField(max_length=20, choices=CountedMethod.choices)
    rank = models.PositiveIntegerField()
    score = models.FloatField(
        help_text="Borda points (Schulze, Borda); the chance in % of beating a random other "
        "contender (Duels)."
    )
    strength = models.FloatField(
        null=True,
        blank=True,
        help_text="Duels only: the Bradley-Terry strength, geometric mean 1.",
    )
    comparisons = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Duels only: the counted duels it was in, can't-decide answers included.",
    )
    # The bootstrap's findings (comments.counting.bootstrap, INTERVAL_FIELDS);
    # empty for a contender it did not resample (past Schulze's leading ones,
    # or no members).
    rank_lower = models.PositiveIntegerField(
        null=True, blank=True, help_text="Best rank of the 95% interval."
    )
    rank_upper = models.PositiveIntegerField(
        null=True, blank=True, help_text="Worst rank of the 95% interval."
    )
    top_ten_chance = models.FloatField(
        null=True, blank=True, help_text="Share of bootstrap rounds ranking it 1 to 10."
    )
    conservative_rank = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="1 + the contenders whose worst rank is better than its best rank.",
    )
    band = models.PositiveIntegerField(
        null=True, blank=True, help_text="Statistically tied contenders share a band: 1, 2..."
    )

    objects = MethodStandingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contender", "method"], name="methodstanding_one_per_method"
            ),
            models.UniqueConstraint(
                fields=["contender_list", "method", "rank"], name="methodstanding_rank_once"
            ),
            models.CheckConstraint(
                condition=Q(strength__isnull=True) | Q(strength__gt=0),
                name="methodstanding_strength_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    rank_lower__isnull=True,
                    rank_upper__isnull=True,
                    top_ten_chance__isnull=True,
                    conservative_rank__isnull=True,
                    band__isnull=True,
                )
                | Q(
                    rank_lower__gte=1,
                    rank_upper__gte=F("rank_lower"),
                    top_ten_chance__gte=0,
                    top_ten_chance__lte=1,
                    conservative_rank__gte=1,
                    band__gte=1,
                ),
                name="methodstanding_interval_whole_and_ordered",
            ),
        ]

    def __str__(self):
        return f"#{self.rank} by {self.method}"

    @property
    def is_sure_enough(self) -> bool:
        """Whether the interval rests on enough members to be worth showing."""
        return self.rank_lower is not None and (self.members or 0) >= MIN_RESAMPLED_MEMBERS

    @property
    def is_tied(self) -> bool:
        """Whether its rank is statistically tied with another's (its interval is wider than
        its own place)."""
        return self.rank_lower is not None and self.rank_lower != self.rank_upper


class RateLimitCounter(models.Model):
    """One member's count of one action in one fixed window, where no Redis is configured.

    The key names the action, the member and the window (comments.ratelimits);
    the count moves in one atomic upsert, so several server processes share
    it exactly. Rows past `expires_at` are only waste and are swept now and then.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class OpenDataExportQuerySet(models.QuerySet):
    def listed(self):
        """The /data/ page's rows: everything but the bytes, newest day first."""
        return (
            self.defer("content")
            .select_related("contender_list")
            .order_by("-day", "contender_list__position", "contender_list__pk")
        )


class OpenDataExport(models.Model):
    """One day's open-data export of a list: the zip's bytes and its manifest's SHA-256.

    Written once by comments.exports and never changed. The bytes live in
    the row rather than in a file: an export is written in one transaction
    with the hash the next day's manifest chains to, so a crash leaves no
    row without its file or file without its row; web, worker and beat
    containers share the database but no disk; and backups carry the
    exports with the data they describe. A demo list's zip is tens of KB; a
    list of a million votes about 10 MB a day, which PostgreSQL stores out
    of line (TOAST) and the /data/ page never reads.
    """

    contender_list = models.ForeignKey(
        ContenderList, on_delete=models.PROTECT, related_name="open_data_exports"
    )
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    manifest_sha256 = models.CharField(max_length=64, unique=True)
    previous_manifest_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="The manifest hash of the list's export before this one; empty for the first.",
    )
    size = models.PositiveIntegerField(help_text="Bytes of the zip.")
    content = models.BinaryField()

    objects = OpenDataExportQuerySet.as_manager()

    class Meta:
        ordering = ["contender_list", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["contender_list", "day"], name="opendataexport_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(size__gt=0), name="opendataexport_not_empty"
            ),
            models.CheckConstraint(
                condition=Exact(Length("manifest_sha256"), 64),
                name="opendataexport_manifest_sha256",
            ),
            models.CheckConstraint(
                condition=Q(previous_manifest_sha256="")
                | Exact(Length("previous_manifest_sha256"), 64),
                name="opendataexport_previous_sha256",
            ),
        ]

    def __str__(self):
        return f"{self.contender_list_id} on {self.day:%Y-%m-%d}"

    @property
    def filename(self) -> str:
        return f"techvote-{self.contender_list.slug}-{self.day:%Y-%m-%d}.zip"
