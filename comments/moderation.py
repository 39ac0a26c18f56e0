"""What moderators do, each action with its entry in the public moderation log.

Admin actions call these functions; each checks the moderator's permission,
changes nothing that is already as asked (and then logs nothing), and writes
the change and its log entry in one transaction. Nothing is ever deleted.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cities.models import City, CitySuggestion, Contender, ContenderList
from comments.counts import lock_contenders_of, move_comment_count, recount_list
from comments.exceptions import ActionRefused
from comments.models import (
    Ballot,
    Comment,
    Duel,
    ModerationAction,
    ModerationLogEntry,
    Report,
    ReportResolution,
    Suspension,
    Vote,
)
from comments.standing import forget_standing
from comments.suggestions import city_named
from comments.tasks import queue_count
from comments.votes import forget_member_votes
from notifications.notify import (
    notify_city_suggestion_decided,
    notify_comment_hidden,
    notify_suggestion_decided,
)
from techvote.auth import forget_user

MODERATORS_GROUP = "Moderators"


def _require(moderator: AbstractBaseUser, permission: str) -> None:
    if not moderator.has_perm(permission):
        raise PermissionDenied(f"Moderators need the {permission!r} permission for this.")


def _log(moderator, action: str, subject: str, reason: str, **targets) -> ModerationLogEntry:
    return ModerationLogEntry.objects.create(
        moderator=moderator, action=action, subject=subject[:300], reason=reason, **targets
    )


def describe_comment(comment: Comment) -> str:
    """How the log names a comment, without repeating what it said."""
    contender = comment.contender
    kind = "reply" if comment.parent_id else "comment"
    return (
        f"{kind} by {comment.author.username} on {contender.city.name} "
        f"in “{contender.contender_list.title}”"
    )


def describe_contender(contender: Contender) -> str:
    return f"{contender.city.name} in “{contender.contender_list.title}”"


def _locked_comment(comment: Comment) -> Comment:
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("author", "contender__city", "contender__contender_list")
        .get(pk=comment.pk)
    )


OWN_REPORT = (
    "You reported this comment yourself: another moderator must decide on it, "
    "so that no report is both made and settled by one person."
)


def _ensure_not_own_report(comment: Comment, moderator) -> None:
    """Refuse (409) to settle a report the moderator made: it needs a second pair of eyes."""
    if Report.objects.open().filter(comment=comment, reporter=moderator).exists():
        raise ActionRefused(OWN_REPORT, status=409)


def _resolve_open_reports(comment: Comment, moderator, resolution: str) -> int:
    return (
        Report.objects.open()
        .filter(comment=comment)
        .update(resolved_at=timezone.now(), resolved_by=moderator, resolution=resolution)
    )


@transaction.atomic
def hide_comment(*, moderator, comment: Comment, reason: str) -> bool:
    """Hide a comment from everyone, resolving its open reports. False if already hidden."""
    _require(moderator, "comments.hide_comment")
    comment = _locked_comment(comment)
    if comment.hidden_at is not None:
        return False
    _ensure_not_own_report(comment, moderator)
    was_visible = comment.is_visible
    comment.hidden_at, comment.hidden_reason = timezone.now(), reason
    comment.save(update_fields=["hidden_at", "hidden_reason"])
    if was_visible:
        move_comment_count(comment.contender_id, -1)
    _resolve_open_reports(comment, moderator, ReportResolution.HIDDEN)
    notify_comment_hidden(comment=comment, moderator=moderator, reason=reason)
    _log(
        moderator,
        ModerationAction.HIDE_COMMENT,
        describe_comment(comment),
        reason,
        comment=comment,
    )
    return True


@transaction.atomic
def restore_comment(*, moderator, comment: Comment, reason: str) -> bool:
    """Show a hidden comment again. False if it was not hidden."""
    _require(moderator, "comments.hide_comment")
    comment = _locked_comment(comment)
    if comment.hidden_at is None:
        return False
    comment.hidden_at, comment.hidden_reason = None, ""
    comment.save(update_fields=["hidden_at", "hidden_reason"])
    if comment.is_visible:
        move_comment_count(comment.contender_id, 1)
    _log(
        moderator,
        ModerationAction.RESTORE_COMMENT,
        describe_comment(comment),
        reason,
        comment=comment,
    )
    return True


@transaction.atomic
def dismiss_reports(*, moderator, comment: Comment, reason: str = "") -> bool:
    """Close a comment's open reports, leaving it up. False if none were open."""
    _require(moderator, "comments.resolve_report")
    comment = _locked_comment(comment)
    _ensure_not_own_report(comment, moderator)
    if not _resolve_open_reports(comment, moderator, ReportResolution.DISMISSED):
        return False
    _log(
        moderator,
        ModerationAction.DISMISS_REPORTS,
        describe_comment(comment),
        reason,
        comment=comment,
    )
    return True


def _set_contender_status(moderator, contender: Contender, status: str, action: str, reason):
    _require(moderator, "cities.review_contender")
    contender = (
        Contender.objects.select_related("city", "contender_list")
        .select_for_update(of=("self",))
        .get(pk=contender.pk)
    )
    if contender.status == status:
        return False
    Contender.objects.filter(pk=contender.pk).update(status=status)
    contender.status = status
    queue_count(contender.contender_list_id)
    notify_suggestion_decided(contender=contender, moderator=moderator, reason=reason)
    _log(moderator, action, describe_contender(contender), reason, contender=contender)
    return True


@transaction.atomic
def approve_contender(*, moderator, contender: Contender, reason: str = "") -> bool:
    """Let a suggested city into the ranking (after the contenders with its score)."""
    return _set_contender_status(
        moderator, contender, Contender.Status.APPROVED, ModerationAction.APPROVE_CONTENDER, reason
    )


@transaction.atomic
def reject_contender(*, moderator, contender: Contender, reason: str) -> bool:
    """Keep a city out of the list (it stays on record, unranked)."""
    return _set_contender_status(
        moderator, contender, Contender.Status.REJECTED, ModerationAction.REJECT_CONTENDER, reason
    )


def describe_suggestion(suggestion: CitySuggestion) -> str:
    return f"{suggestion.name}, {suggestion.country} in “{suggestion.contender_list.title}”"


def _pending_suggestion(suggestion: CitySuggestion) -> CitySuggestion | None:
    """The suggestion, locked, if no moderator has decided on it yet."""
    locked = (
        CitySuggestion.objects.select_related("contender_list", "city")
        .select_for_update(of=("self",))
        .get(pk=suggestion.pk)
    )
    return locked if locked.status == CitySuggestion.Status.PENDING else None


def _free_city_slug(name: str, country: str) -> str:
    """The new city's address: its name, or name and country where another city has it."""
    base = slugify(name)[:80] or "city"
    taken = set(City.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = [base, f"{base}-{slugify(country)}"[:100]]
    candidates += [f"{candidates[1][:90]}-{n}" for n in range(2, len(taken) + 3)]
    return next(slug for slug in candidates if slug not in taken)


def _new_city(suggestion: CitySuggestion, details: dict) -> City:
    """The suggested city with what a list and its map need; the profile comes later."""
    needed = ("continent", "latitude", "longitude", "summary")
    if any(details.get(field) in (None, "") for field in needed):
        raise ActionRefused(
            f"{suggestion.name} is new to TechVote: give its continent, latitude, longitude "
            "and a one-line summary to approve it.",
            status=400,
        )
    return City.objects.create(
        name=suggestion.name,
        slug=_free_city_slug(suggestion.name, suggestion.country),
        country=suggestion.country,
        profile="",
        **{field: details[field] for field in needed},
    )


@transaction.atomic
def approve_city_suggestion(
    *, moderator, suggestion: CitySuggestion, reason: str = "", **details
) -> bool:
    """Let a suggested city into its list, ranked after the contenders with its score.

    The city is the one the suggestion names if the site has it by now;
    otherwise it is made from `details` (continent, latitude, longitude,
    summary), and a moderator fills in its profile in admin. False if a
    moderator has decided on the suggestion already.
    """
    _require(moderator, "cities.review_contender")
    suggestion = _pending_suggestion(suggestion)
    if suggestion is None:
        return False
    contender_list = suggestion.contender_list
    city = (
        suggestion.city
        or city_named(suggestion.name, suggestion.country)
        or _new_city(suggestion, details)
    )
    if Contender.objects.filter(contender_list=contender_list, city=city).exists():
        raise ActionRefused(
            f"{city.name} stands in “{contender_list.title}” already: reject this "
            "suggestion instead, saying so.",
            status=409,
        )
    contender = Contender.objects.create(
        contender_list=contender_list,
        city=city,
        status=Contender.Status.APPROVED,
        suggested_by=suggestion.suggested_by,
    )
    CitySuggestion.objects.filter(pk=suggestion.pk).update(
        status=CitySuggestion.Status.APPROVED,
        city=city,
        contender=contender,
        decided_at=timezone.now(),
        decided_by=moderator,
        decision_reason=reason,
    )
    queue_count(contender_list.pk)
    notify_city_suggestion_decided(
        suggestion=suggestion, moderator=moderator, reason=reason, contender=contender
    )
    _log(
        moderator,
        ModerationAction.APPROVE_CONTENDER,
        describe_suggestion(suggestion),
        reason,
        contender=contender,
    )
    return True


@transaction.atomic
def reject_city_suggestion(*, moderator, suggestion: CitySuggestion, reason: str) -> bool:
    """Keep a suggested city out of its list; the suggestion stays, with the reason."""
    _require(moderator, "cities.review_contender")
    if not reason.strip():
        raise ActionRefused("Say why the suggestion is rejected: its author will read it.")
    suggestion = _pending_suggestion(suggestion)
    if suggestion is None:
        return False
    CitySuggestion.objects.filter(pk=suggestion.pk).update(
        status=CitySuggestion.Status.REJECTED,
        decided_at=timezone.now(),
        decided_by=moderator,
        decision_reason=reason,
    )
    notify_city_suggestion_decided(suggestion=suggestion, moderator=moderator, reason=reason)
    _log(moderator, ModerationAction.REJECT_CONTENDER, describe_suggestion(suggestion), reason)
    return True


@transaction.atomic
def suspend_user(*, moderator, member: AbstractBaseUser, reason: str) -> bool:
    """Stop a member voting, commenting and reporting; they can still read. False if
    already suspended."""
    _require(moderator, "comments.suspend_user")
    if member.pk == moderator.pk:
        raise PermissionDenied("Moderators cannot suspend themselves.")
    get_user_model().objects.select_for_update().get(pk=member.pk)
    if Suspension.objects.filter(user=member, lifted_at__isnull=True).exists():
        return False
    Suspension.objects.create(user=member, reason=reason, suspended_by=moderator)
    forget_standing(member)
    _log(moderator, ModerationAction.SUSPEND_USER, member.username, reason, member=member)
    return True


@transaction.atomic
def unsuspend_user(*, moderator, member: AbstractBaseUser, reason: str) -> bool:
    """Lift a member's suspension. False if they were not suspended."""
    _require(moderator, "comments.suspend_user")
    lifted = Suspension.objects.filter(user=member, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=moderator
    )
    if not lifted:
        return False
    _log(moderator, ModerationAction.UNSUSPEND_USER, member.username, reason, member=member)
    return True


@transaction.atomic
def void_votes(*, moderator, member: AbstractBaseUser, reason: str) -> int:
    """Stop every vote, ballot and duel of a member from counting, and rebuild their lists.

    The Vote, Ballot and Duel rows stay, marked voided. Returns how many
    votes, ballots and duels were voided.
    """
    _require(moderator, "comments.void_vote")
    now = timezone.now()
    counted = Vote.objects.counted().filter(user=member)
    list_ids = sorted(set(counted.values_list("contender__contender_list", flat=True)))
    voided = 0
    for contender_list in ContenderList.objects.filter(pk__in=list_ids).order_by("pk"):
        # With the contenders locked, no vote of this member can be half-way
        # through; the counts are rebuilt from the rows in the same transaction.
        lock_contenders_of(contender_list)
        in_list = counted.filter(contender__contender_list=contender_list)
        voided += in_list.update(voided_at=now)
        recount_list(contender_list)
    ballots = Ballot.objects.counted().filter(user=member)
    duels = Duel.objects.counted().filter(user=member)
    list_ids = sorted(
        set(list_ids)
        | set(ballots.values_list("contender_list", flat=True))
        | set(duels.values_list("contender_list", flat=True))
    )
    ballots = ballots.update(voided_at=now)
    forget_member_votes(member.pk)
    duels = duels.update(voided_at=now)
    for list_id in list_ids:
        queue_count(list_id)
    if not voided and not ballots and not duels:
        return 0
    also = [f"{ballots} ballots" if ballots else "", f"{duels} duels" if duels else ""]
    subject = f"{voided} votes" + "".join(f" and {part}" for part in also if part)
    _log(
        moderator,
        ModerationAction.VOID_VOTES,
        f"{subject} by {member.username}",
        reason,
        member=member,
    )
    return voided + ballots + duels


@transaction.atomic
def make_moderator(user: AbstractBaseUser) -> None:
    """Give a member the Moderators group and access to the admin site (not superuser)."""
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    forget_user(user.pk)
    user.is_staff = True
