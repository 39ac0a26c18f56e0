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


class BallotEntry(models.Model):
    """One place on a ballot: the contender the member ranks at `position` (1 is best)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries")
    contender = models.ForeignKey(
        Contender, on_delete=models.PROTECT, related_name="ballot_entries"
    )
    position = models.PositiveSmallIntegerField()

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


class RankSnapshot(models.Model):
    """A contender's rank and score as a day began: the history behind the arrows."""

    contender = models.ForeignKey(Contender, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField()
    rank = models.PositiveIntegerField()
    score = models.IntegerField()

    class Meta:
        ordering = ["-taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["contender", "taken_on"], name="ranksnapshot_one_per_day"
            ),
        ]

    def __str__(self):
        return f"#{self.rank} on {self.taken_on}"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments anyone may read: neither deleted by their author nor hidden by a moderator."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)

    def threads(self):
        """Top-level comments worth a place on a page: visible, or gone but with visible replies.

        A deleted or hidden comment that has replies stays as a placeholder
        so the conversation under it still makes sense.
        """
        visible_reply = Comment.objects.visible().filter(parent=models.OuterRef("pk"))
        return self.filter(parent__isnull=True).filter(
            Q(deleted_at__isnull=True, hidden_at__isnull=True) | models.Exists(visible_reply)
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


class CountedMethod(models.TextChoices):
    """The ranked methods a queued job counts (comments/tallies.py), beside the live counts."""

    SCHULZE = "schulze", "Schulze"
    BORDA = "borda", "Borda"


class ListCount(models.Model):
    """The latest count of a list by a ranked method: when, from what, and what it found.

    Written only by comments.tallies, with the list's MethodStanding rows, in
    one transaction.
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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contender_list", "method"], name="listcount_one_per_method"
            ),
        ]

    def __str__(self):
        return f"{self.contender_list_id} by {self.method} at {self.counted_at:%Y-%m-%d %H:%M}"


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
    score = models.FloatField(help_text="Borda points, by either method.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contender", "method"], name="methodstanding_one_per_method"
            ),
            models.UniqueConstraint(
                fields=["contender_list", "method", "rank"], name="methodstanding_rank_once"
            ),
        ]

    def __str__(self):
        return f"#{self.rank} by {self.method}"


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
