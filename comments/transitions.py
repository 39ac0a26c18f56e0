"""Up, down or none: the one state machine behind votes on contenders and thumbs on comments.

A member holds at most one row per contender (a Vote) or comment (a
CommentVote); no row means none. Every transition, as (old, new): what
happens to the row, then how the up and down counts move (the score moves
by up - down):

    (0, +1)   insert   +1  0        (+1, 0)   delete   -1  0
    (0, -1)   insert    0 +1        (-1, 0)   delete    0 -1
    (+1, -1)  update   -1 +1        (-1, +1)  update   +1 -1
    (v, v)    nothing: choosing the same twice changes nothing

Both writers use one concurrency strategy: no lock; the row is written only
if it still holds what was read (an insert meets the unique constraint, a
change or a delete names the old value), and a member whose other window got
there first is refused with a 409 and nothing written. The counts move in the
database (F() or its SQL twin), so votes of different members never wait for
each other and none is lost.
"""

from comments.exceptions import ActionRefused
from comments.models import VoteValue

UP, DOWN, NONE = int(VoteValue.UP), int(VoteValue.DOWN), 0
# Kept for the names callers used: "no vote".
NO_VOTE = NONE
VOTE_CHOICES = {UP: "up", DOWN: "down", NONE: "none"}

# The one message for a value that is none of these, for votes and thumbs alike.
NOT_A_CHOICE = "A vote is up, down or none."

INSERT, UPDATE, DELETE = "insert", "update", "delete"

# (old, new) -> (what happens to the row, up delta, down delta)
TRANSITIONS = {
    (NONE, UP): (INSERT, 1, 0),
    (NONE, DOWN): (INSERT, 0, 1),
    (UP, NONE): (DELETE, -1, 0),
    (DOWN, NONE): (DELETE, 0, -1),
    (UP, DOWN): (UPDATE, -1, 1),
    (DOWN, UP): (UPDATE, 1, -1),
}


def ensure_choice(value) -> int:
    """The value if it is up, down or none; ActionRefused (400) otherwise."""
    if value not in VOTE_CHOICES or isinstance(value, bool):
        raise ActionRefused(NOT_A_CHOICE, status=400)
    return int(value)


def transition(old: int, new: int) -> tuple[str, int, int]:
    """What moving from `old` to `new` does: the row's change and the up and down deltas.

    Call it only when old != new: choosing the same twice changes nothing.
    """
    return TRANSITIONS[(old, new)]
