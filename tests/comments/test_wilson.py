"""The Wilson lower bound (comments.wilson)."""

import pytest

from comments.wilson import wilson_lower_bound

pytestmark = pytest.mark.django_db

UP, DOWN, NONE = 1, -1, 0


def test_wilson_puts_many_mostly_positive_votes_above_a_few_unanimous_ones():
    assert wilson_lower_bound(300, 20) > wilson_lower_bound(3, 0)
    assert wilson_lower_bound(0, 0) == 0.0
    assert 0 < wilson_lower_bound(3, 0) < 1
    assert wilson_lower_bound(10, 0) > wilson_lower_bound(10, 1) > wilson_lower_bound(10, 5)
