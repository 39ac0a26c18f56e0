"""What a member is told of others' doings with their comments and suggestions, and
whether they want it mailed to them."""

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cities.models import CitySuggestion, Contender
from comments.models import Comment


class NotificationKind(models.TextChoices):
    REPLY = "reply", "A reply to your comment"
    COMMENT_HIDDEN = "hidden", "Your comment hidden by a moderator"
    SUGGESTION_APPROVED = "approved", "Your suggestion approved"
    SUGGESTION_REJECTED = "rejected", "Your suggestion rejected"


ABOUT_A_COMMENT = [NotificationKind.REPLY, NotificationKind.COMMENT_HIDDEN]
ABOUT_A_SUGGESTION = [NotificationKind.SUGGESTION_APPROVED, NotificationKind.SUGGESTION_REJECTED]


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        """Notifications their recipient has not marked as read."""
        return self.filter(read_at__isnull=True)

    def in_inbox_of(self, user):
        """The member's notifications, newest first, with what each is about."""
        return (
            self.filter(recipient=user)
            .select_related(
                "comment__author",
                "comment__contender__city",
                "comment__contender__contender_list",
                "contender__city",
                "contender__contender_list",
                "city_suggestion__contender_list",
            )
            .order_by("-created_at", "-pk")
        )

    def unread_count_of(self, user_ref):
        """A subquery: how many unread notifications the user `user_ref` names has.

        A subquery, so the user's own row brings the header its count with no
        query more (techvote.auth).
        """
        counted = (
            self.unread()
            .filter(recipient=user_ref)
            .order_by()
            .values("recipient")
            .annotate(unread=Count("pk"))
            .values("unread")
        )
        return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class Notification(models.Model):
    """One thing a member is told: a reply to their comment, their comment hidden by a
    moderator (with the reason), their suggestion approved or rejected.

    Written only by notifications.notify, in the transaction of the event itself.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    comment = models.ForeignKey(
        Comment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The reply, or the comment hidden.",
    )
    contender = models.ForeignKey(
        Contender,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The suggested city in its list.",
    )
    city_suggestion = models.ForeignKey(
        CitySuggestion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A city suggested by name and rejected: it has no contender.",
    )
    reason = models.CharField(max_length=500, blank=True, help_text="The moderator's reason.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a digest mailed it; never mailed twice."
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The header's count on every page, and the digest's pick.
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=ABOUT_A_COMMENT,
                    comment__isnull=False,
                    contender=None,
                    city_suggestion=None,
                )
                | Q(kind__in=ABOUT_A_SUGGESTION, comment=None)
                & (Q(contender__isnull=False) | Q(city_suggestion__isnull=False)),
                name="notification_names_its_subject",
            ),
            # A reply tells each member once, however often it is looked at.
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(kind=NotificationKind.REPLY),
                name="notification_one_per_reply",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class DigestSubscription(models.Model):
    """A member who asked for a daily email of their unread notifications; nobody
    gets one without asking."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Digest for {self.member_id}"


def with_unread_notifications(users):
    """Users annotated with `unread_notifications`, in the users' own query."""
    return users.annotate(
        unread_notifications=Notification.objects.unread_count_of(OuterRef("pk"))
    )
