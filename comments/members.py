"""A member's own account: the profile their page shows, and deleting the account.

Deleting keeps what the member said and drops what they counted for: the
comments stay, their author shown as "[deleted member]" (Comment.author_name);
votes, ballots and duels are removed and the lists they counted in are
recounted, as a moderator's void recounts them. The user row stays, emptied
and deactivated, since comments, reports and the moderation log point at it.
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from cities.models import City, ContenderList
from comments.counts import lock_contenders_of, recount_list
from comments.exceptions import ActionRefused
from comments.models import Ballot, Duel, MemberProfile, Vote
from comments.standing import forget_standing
from comments.tasks import queue_count
from comments.votes import forget_member_votes

# What a member types to confirm, where they have no password to type again
# (an account made through GitHub or Google).
DELETION_PHRASE = "delete my account"


@transaction.atomic
def update_profile(
    *,
    user: AbstractBaseUser,
    display_name: str,
    bio: str,
    home_city: City | None,
    votes_public: bool,
) -> MemberProfile:
    """Save what the member's page says about them, and whether it lists their votes."""
    if not user.is_active:
        raise ActionRefused("This account is closed.", status=403)
    profile, _ = MemberProfile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": " ".join(display_name.split()),
            "bio": bio.strip(),
            "home_city": home_city,
            "votes_public": votes_public,
        },
    )
    return profile


def _lists_counted_in(user: AbstractBaseUser) -> list[int]:
    """Every list the member's votes, ballots or duels count in (or did), by id."""
    return sorted(
        set(Vote.objects.filter(user=user).values_list("contender__contender_list", flat=True))
        | set(Ballot.objects.filter(user=user).values_list("contender_list", flat=True))
        | set(Duel.objects.filter(user=user).values_list("contender_list", flat=True))
    )


def _remove_votes(user: AbstractBaseUser, list_ids: list[int]) -> None:
    """Delete the member's votes, list by list, with the list's counts rebuilt from the rows."""
    for contender_list in ContenderList.objects.filter(pk__in=list_ids).order_by("pk"):
        # With the contenders locked, no vote of this member is half-way
        # through when its rows go.
        lock_contenders_of(contender_list)
        Vote.objects.filter(user=user, contender__contender_list=contender_list).delete()
        recount_list(contender_list)


def _anonymise(user: AbstractBaseUser) -> None:
    """Empty the user row of everything that names the member, and close it."""
    # "~" is refused in the usernames people sign up with, so no one can hold it.
    user.username = f"~deleted-{user.pk}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()  # Every session's password hash stops matching.
    user.save(
        update_fields=["username", "email", "first_name", "last_name", "is_active", "password"]
    )
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    MemberProfile.objects.filter(user=user).delete()


@transaction.atomic
def delete_account(*, user: AbstractBaseUser) -> None:
    """Close the member's account for good: anonymised, deactivated, signed out everywhere.

    Comments stay (shown as "[deleted member]"); votes, ballots (with their
    entries) and duels are deleted, every list they counted in is recounted
    now and its ranked count queued, as after a vote. One transaction: a
    failure anywhere leaves the account as it was.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ActionRefused("This account is closed already.", status=409)
    list_ids = _lists_counted_in(user)
    _remove_votes(user, list_ids)
    Ballot.objects.filter(user=user).delete()
    Duel.objects.filter(user=user).delete()
    forget_member_votes(user.pk)
    for list_id in list_ids:
        queue_count(list_id)
    _anonymise(user)
    forget_standing(user)
