"""The duel page assembled: the next pair side by side, and the signed form that answers it.

The form carries the pair and the duel's number signed for this visitor and
list (`duel_token`), so a post answers the duel the page showed, never one
a member picked for themselves; comments.duels stores it.
"""

from django.core import signing

from cities.models import Contender, ContenderList, Fact
from comments.duels import DuelPair, next_duel
from comments.standing import standing_of

TOKEN_SALT = "techvote.duel"
FACTS_PER_SIDE = 2  # One or two facts with their source: enough to decide, short on a phone.


def _visitor(user) -> int:
    return user.pk if user.is_authenticated else 0


def duel_token(*, user, contender_list: ContenderList, pair: DuelPair) -> str:
    """The pair and number, signed for this visitor and list."""
    payload = [_visitor(user), contender_list.pk, pair.number, pair.left_id, pair.right_id]
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def token_reader(*, user, contender_list: ContenderList):
    """A reader of posted tokens: the DuelPair, or None if forged or for someone else."""

    def read(token: str) -> DuelPair | None:
        try:
            visitor, list_id, number, left_id, right_id = signing.loads(token, salt=TOKEN_SALT)
        except (signing.BadSignature, TypeError, ValueError):
            return None
        if (visitor, list_id) != (_visitor(user), contender_list.pk):
            return None
        return DuelPair(number=number, left_id=left_id, right_id=right_id)

    return read


def sides_of(pair: DuelPair) -> list[Contender]:
    """The two contenders, left first, each with its city and its first facts and sources.

    Two queries whatever the size of the list: the contenders with their
    cities, then the two cities' facts with their sources.
    """
    contenders = {
        contender.pk: contender
        for contender in Contender.objects.select_related("city").filter(
            pk__in=[pair.left_id, pair.right_id]
        )
    }
    sides = [contenders[pair.left_id], contenders[pair.right_id]]
    facts = list(
        Fact.objects.filter(city__in=[side.city_id for side in sides]).select_related("source")
    )
    for side in sides:
        side.duel_facts = [fact for fact in facts if fact.city_id == side.city_id][:FACTS_PER_SIDE]
    return sides


def duel_page(request, *, contender_list: ContenderList, form=None) -> dict:
    """Everything the duel template shows: the pair, the signed token, who may answer.

    Raises ActionRefused (409) for a list too small for duels.
    """
    user = request.user
    pair = next_duel(user=user, contender_list=contender_list)
    standing = standing_of(user) if user.is_authenticated else None
    return {
        "contender_list": contender_list,
        "pair": pair,
        "sides": sides_of(pair),
        "token": duel_token(user=user, contender_list=contender_list, pair=pair),
        "standing": standing,
        "form": form,
    }
