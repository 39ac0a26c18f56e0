"""Comments at their edges: threads of several comments, lengths, the edit window, limits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import Contender
from comments.models import COMMENT_MIN_LENGTH, Comment
from comments.services import ActionRefused, delete_comment, edit_comment, post_comment
from tests.factories import UserFactory
from tests.helpers import at_rank, refusal_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def contenders(make_ranked_list):
    contender_list = make_ranked_list(2)
    return at_rank(contender_list, 1), at_rank(contender_list, 2)


@pytest.fixture
def contender(contenders):
    return contenders[0]


def say(contender, body="Trains on time.", parent=None, user=None):
    return post_comment(
        user=user or UserFactory(),
        contender_id=contender.pk,
        body=body,
        parent_id=parent and parent.pk,
    )


def test_a_reply_goes_under_the_comment_it_answers_among_several(contender):
    first, second, third = (say(contender, f"Comment {n}.") for n in range(3))

    reply = say(contender, "Answering the second.", parent=second)
    deeper = say(contender, "Answering the reply.", parent=reply)

    assert (reply.parent_id, deeper.parent_id) == (second.pk, second.pk)
    assert list(first.replies.all()) == list(third.replies.all()) == []


def test_a_reply_to_another_contenders_comment_is_refused(contenders):
    mine, theirs = contenders
    elsewhere = say(theirs, "About the other city.")
    say(mine, "About this city.")
    before = Comment.objects.count()

    with pytest.raises(ActionRefused) as refused:
        say(mine, "Misplaced reply.", parent=elsewhere)

    assert refused.value.status == 404
    assert refused.value.message == "The comment you reply to does not exist."
    assert Comment.objects.count() == before


def test_a_comment_of_exactly_the_minimum_length_is_posted(member_client, contender):
    body = "ok"
    assert len(body) == COMMENT_MIN_LENGTH
    url = reverse(
        "comments:comment_create", args=[contender.contender_list.slug, contender.city.slug]
    )

    response = member_client.post(url, {"body": f"  {body}\n"})

    assert response.status_code == 302
    assert Comment.objects.get().body == body


@pytest.fixture
def clock(monkeypatch):
    """A clock the test sets: timezone.now() answers `clock.now`."""

    class Clock:
        now = timezone.now()

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def test_an_edit_at_the_exact_end_of_the_window_is_taken(member, contender, clock, settings):
    comment = say(contender, "Fast internet.", user=member)
    clock.now = comment.created_at + settings.COMMENT_EDIT_WINDOW

    edit_comment(user=member, comment_id=comment.pk, body="Very fast internet.")

    comment.refresh_from_db()
    assert comment.body == "Very fast internet."


def test_an_edit_just_after_the_window_is_refused(member, contender, clock, settings):
    comment = say(contender, "Fast internet.", user=member)
    clock.now = comment.created_at + settings.COMMENT_EDIT_WINDOW + timedelta(microseconds=1)

    with pytest.raises(ActionRefused) as refused:
        edit_comment(user=member, comment_id=comment.pk, body="Very fast internet.")

    assert refused.value.status == 403
    assert refused.value.message == "Comments can be edited for 15 minutes after posting."
    comment.refresh_from_db()
    assert comment.body == "Fast internet."


@pytest.fixture
def tight_limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "comment": {"established": {"minute": 2, "day": 100}, "new": {"minute": 1, "day": 5}},
        "reply": {"established": {"minute": 3, "day": 100}, "new": {"minute": 1, "day": 5}},
    }


def test_replies_do_not_use_up_the_comment_limit(member, contender, tight_limits):
    parent = say(contender)
    for number in range(2):
        say(contender, f"Comment {number}.", user=member)

    for number in range(3):
        say(contender, f"Reply {number}.", parent=parent, user=member)

    with pytest.raises(ActionRefused) as refused:
        say(contender, "One comment too many.", user=member)
    assert refused.value.status == 429
    assert "at most 2 comments a minute" in refused.value.message


def test_replies_have_their_own_limit(member, contender, tight_limits):
    parent = say(contender)
    for number in range(3):
        say(contender, f"Reply {number}.", parent=parent, user=member)

    with pytest.raises(ActionRefused) as refused:
        say(contender, "One reply too many.", parent=parent, user=member)
    say(contender, "A comment still goes through.", user=member)

    assert refused.value.status == 429
    assert "at most 3 replies a minute" in refused.value.message
    assert Comment.objects.filter(author=member).count() == 4


# --- Refusals of edits and deletions ------------------------------------------------


@pytest.mark.parametrize(("service", "verb"), [(edit_comment, "edit"), (delete_comment, "delete")])
def test_only_the_author_edits_or_deletes_and_is_told_so(member, contender, service, verb):
    comment = say(contender, "Not the member's.")
    arguments = {"body": "Hijacked."} if service is edit_comment else {}

    refused = refusal_of(service, user=member, comment_id=comment.pk, **arguments)

    assert (refused.status, refused.message) == (403, f"You can only {verb} your own comments.")
    comment.refresh_from_db()
    assert (comment.body, comment.deleted_at) == ("Not the member's.", None)


@pytest.mark.parametrize("service", [edit_comment, delete_comment])
def test_editing_or_deleting_a_missing_comment_is_a_404(member, service):
    arguments = {"body": "Into the void."} if service is edit_comment else {}

    refused = refusal_of(service, user=member, comment_id=10**9, **arguments)

    assert (refused.status, refused.message) == (404, "That comment does not exist.")


def test_a_hidden_comment_can_no_longer_be_edited(member, contender):
    comment = say(contender, "Fast internet.", user=member)
    Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now())

    refused = refusal_of(edit_comment, user=member, comment_id=comment.pk, body="Changed.")

    assert (refused.status, refused.message) == (
        409,
        "That comment is gone and can no longer be edited.",
    )
    comment.refresh_from_db()
    assert comment.body == "Fast internet."


def test_a_comment_on_a_missing_contender_is_a_404(member):
    refused = refusal_of(post_comment, user=member, contender_id=10**9, body="Anyone there?")

    assert (refused.status, refused.message) == (404, "That contender does not exist.")
    assert not Comment.objects.exists()


def test_a_pending_contender_takes_comments_only_once_approved(member, contender):
    Contender.objects.filter(pk=contender.pk).update(status=Contender.Status.PENDING)

    refused = refusal_of(post_comment, user=member, contender_id=contender.pk, body="Early.")

    assert (refused.status, refused.message) == (
        409,
        "Comments open once a moderator approves this city.",
    )
    assert not Comment.objects.exists()
