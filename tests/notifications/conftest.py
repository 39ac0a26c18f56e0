import pytest

from comments.services import post_comment
from tests.factories import UserFactory
from tests.helpers import at_rank


@pytest.fixture
def contender(make_ranked_list):
    """The leader of a list of three."""
    return at_rank(make_ranked_list(3), 1)


@pytest.fixture
def author(db):
    return UserFactory(username="amara")


@pytest.fixture
def replier(db):
    return UserFactory(username="bruno")


@pytest.fixture
def thread(contender, author):
    """Amara's comment on a contender, where replies land."""
    return post_comment(user=author, contender_id=contender.pk, body="Tokyo's labs lead.")
