"""What moderators met: no way from the site to the queues, a hide
confirmation that named only "Comment 129 by ux_alice", reports they could
settle themselves, and a log that a phone could not read."""

import re

import pytest
from django.urls import reverse

from comments.moderation import OWN_REPORT, hide_comment, make_moderator
from comments.services import ActionRefused, post_comment, report_comment
from tests.comments.test_moderation import run_action
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_reportedcomment_changelist")


@pytest.fixture
def contender(make_ranked_list):
    return at_rank(make_ranked_list(3), 1)


def comment_on(contender, body="Cheap watches, today only!"):
    return post_comment(user=UserFactory(), contender_id=contender.pk, body=body)


def report(comment, reason="spam", details="", reporter=None):
    report_comment(
        user=reporter or UserFactory(), comment_id=comment.pk, reason=reason, details=details
    )


def header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_a_moderator_sees_a_link_to_the_queue_with_the_open_reports(client, moderator, contender):
    first, second = comment_on(contender), comment_on(contender, "Rude words.")
    report(first)
    report(first, "abuse")
    report(second)
    client.force_login(moderator)

    html = header(client.get("/").content.decode())

    assert f'href="{QUEUE}">Moderation <span class="count-badge">2</span>' in html
    assert '<span class="visually-hidden"> open reports</span>' in html


def test_members_see_no_moderation_link(client, contender):
    report(comment_on(contender))
    client.force_login(UserFactory())

    assert QUEUE not in client.get("/").content.decode()


def test_the_hide_confirmation_shows_the_text_and_every_open_report(client, moderator, contender):
    comment = comment_on(contender, "Cheap watches <b>today</b> only!")
    report(comment, "spam", "Posted the same link on five cities.")
    report(comment, "abuse")
    client.force_login(moderator)

    page = client.post(QUEUE, {"action": "hide", "_selected_action": [comment.pk]})

    html = page.content.decode()
    assert "Cheap watches &lt;b&gt;today&lt;/b&gt; only!" in html
    assert "2 open reports:" in html
    assert "“Posted the same link on five cities.”" in html
    assert re.search(r"<strong>Spam or advertising</strong>, by member\d+: “Posted", html)
    assert re.search(r"<strong>Abusive or hateful</strong>, by member\d+</li>", html)


def test_a_moderator_cannot_hide_a_comment_they_reported(client, moderator, contender):
    comment = comment_on(contender)
    report(comment, reporter=moderator)

    with pytest.raises(ActionRefused) as refused:
        hide_comment(moderator=moderator, comment=comment, reason="Spam.")
    assert refused.value.message == OWN_REPORT

    client.force_login(moderator)
    answer = run_action(client, "comments_reportedcomment", "hide", [comment], "Spam.")
    comment.refresh_from_db()
    assert answer.status_code == 302
    assert comment.hidden_at is None
    assert "another moderator must decide" in client.get(QUEUE).content.decode()


def test_a_second_moderator_may_hide_it(moderator, contender):
    comment = comment_on(contender)
    report(comment, reporter=moderator)
    other = UserFactory(username="noor")
    make_moderator(other)

    assert hide_comment(moderator=other, comment=comment, reason="Spam.")


def test_the_log_links_each_entry_and_says_the_time_zone(client, moderator, contender):
    comment = comment_on(contender)
    report(comment)
    hide_comment(moderator=moderator, comment=comment, reason="Spam.")

    html = client.get(reverse("comments:moderation_log")).content.decode()

    assert f'<a href="{reverse("comments:comment", args=[comment.pk])}">' in html
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC</time>", html)
    assert 'data-label="Reason"' in html


def test_the_log_runs_the_same_queries_however_many_entries(
    client, moderator, contender, django_assert_num_queries
):
    hide_comment(moderator=moderator, comment=comment_on(contender), reason="Spam.")
    with django_assert_num_queries(2):
        client.get(reverse("comments:moderation_log"))

    for number in range(6):
        hide_comment(
            moderator=moderator, comment=comment_on(contender, f"No. {number}"), reason="x"
        )
    with django_assert_num_queries(2):
        client.get(reverse("comments:moderation_log"))
