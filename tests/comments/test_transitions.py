"""Up, down or none (comments.transitions): the one table votes and thumbs follow."""

import pytest

from comments.exceptions import ActionRefused
from comments.transitions import (
    DELETE,
    DOWN,
    INSERT,
    NONE,
    NOT_A_CHOICE,
    TRANSITIONS,
    UP,
    UPDATE,
    ensure_choice,
    transition,
)

CHOICES = (UP, DOWN, NONE)


def test_every_change_between_two_choices_is_in_the_table():
    assert set(TRANSITIONS) == {(old, new) for old in CHOICES for new in CHOICES if old != new}


@pytest.mark.parametrize(("old", "new"), list(TRANSITIONS))
def test_each_transition_moves_the_counts_to_the_new_choice(old, new):
    """Counting the old choice, then applying the deltas, counts the new one."""
    row_change, up, down = transition(old, new)

    assert (int(old == UP) + up, int(old == DOWN) + down) == (int(new == UP), int(new == DOWN))
    assert row_change == (INSERT if old == NONE else DELETE if new == NONE else UPDATE)


@pytest.mark.parametrize("value", [2, -2, "up", None, True, 0.5])
def test_anything_else_is_refused_with_the_one_message(value):
    with pytest.raises(ActionRefused) as refused:
        ensure_choice(value)

    assert (refused.value.status, refused.value.message) == (400, NOT_A_CHOICE)
