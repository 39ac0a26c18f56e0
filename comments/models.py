from django.conf import settings
from django.db import models
from django.db.models import Q

from cities.models import Contender


class VoteValue(models.IntegerChoices):
    UP = 1, "Up"
    DOWN = -1, "Down"


class VoteQuerySet(models.QuerySet):
    def values_by_contender(self, user, contender_ids) -> dict[int, int]:
        """The user's vote (1 or -1) on each of these contenders, in one query."""
        if not user.is_authenticated:
            return {}
        rows = self.filter(user=user, contender_id__in=contender_ids)
        return dict(rows.values_list("contender_id", "value"))


class Vote(models.Model):
    """One user's vote on one contender. No row means no vote.

    Only comments.services.cast_vote writes these rows, together with the
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

    objects = VoteQuerySet.as_manager()

    class Meta:
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
