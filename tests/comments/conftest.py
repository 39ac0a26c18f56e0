import pytest

from tests.helpers import at_rank


@pytest.fixture
def contender(make_ranked_list):
    """The leader of a list of three."""
    return at_rank(make_ranked_list(3), 1)


@pytest.fixture
def contenders(make_ranked_list):
    """The forty contenders of a list, best first."""
    contender_list = make_ranked_list(40)
    return [at_rank(contender_list, rank) for rank in range(1, 41)]
