"""Moderation as a moderator does it: in admin, not a superuser, every action logged."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments.counts import find_drift
from comments.models import (
    Comment,
    ModerationAction,
    ModerationLogEntry,
    Report,
    Suspension,
    Vote,
)
from comments.moderation import MODERATORS_GROUP, hide_comment
from comments.services import cast_vote, post_comment, report_comment
from tests.factories import CityFactory, ContenderFactory, UserFactory
from tests.helpers import at_rank, rank_of

pytestmark = pytest.mark.django_db

EXPECTED_PERMISSIONS = {
    "cities.view_city",
    "cities.view_contenderlist",
    "cities.view_contender",
    "cities.view_contendersuggestion",
    "cities.review_contender",
    # City suggestions, and the profile of the cities approved (0012).
    "cities.view_citysuggestion",
    "cities.change_city",
    "cities.view_sector",
    "cities.view_source",
    "cities.view_fact",
    "cities.add_fact",
    "cities.change_fact",
    "cities.view_organization",
    "cities.add_organization",
    "cities.change_organization",
    "comments.view_comment",
    "comments.view_reportedcomment",
    "comments.hide_comment",
    "comments.view_report",
    "comments.resolve_report",
    "comments.view_vote",
    "comments.view_ballot",
    "comments.view_duel",
    "comments.void_vote",
    "comments.view_member",
    "comments.view_suspension",
    "comments.suspend_user",
    "comments.view_moderationlogentry",
}


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def contender(make_ranked_list):
    return at_rank(make_ranked_list(4), 2)


@pytest.fixture
def reported(contender):
    comment = post_comment(
        user=UserFactory(username="spammer"), contender_id=contender.pk, body="Cheap watches!"
    )
    for reporter, reason in zip(UserFactory.create_batch(2), ["spam", "abuse"], strict=True):
        report_comment(user=reporter, comment_id=comment.pk, reason=reason)
    return comment


def run_action(client, changelist, action, objects, reason="Breaks the house rules."):
    """Pick an admin action for the objects, then give the reason on the next page."""
    url = reverse(f"admin:{changelist}_changelist")
    ids = [str(obj.pk) for obj in objects]
    form_page = client.post(url, {"action": action, "_selected_action": ids})
    assert form_page.status_code == 200, form_page.content.decode()[:500]
    assert 'name="reason"' in form_page.content.decode()
    return client.post(
        url, {"action": action, "_selected_action": ids, "apply": "Apply", "reason": reason}
    )


def last_log() -> ModerationLogEntry:
    return ModerationLogEntry.objects.first()


# --- Who moderates ---------------------------------------------------------------------


def test_moderators_have_exactly_the_permissions_moderation_needs(moderator):
    group = Group.objects.get(name=MODERATORS_GROUP)
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }

    assert granted == EXPECTED_PERMISSIONS
    assert moderator.is_staff
    assert not moderator.is_superuser


def test_make_moderator_command(db):
    member = UserFactory(username="noor")

    call_command("make_moderator", "noor", stdout=io.StringIO())

    member.refresh_from_db()
    assert member.is_staff
    assert member.groups.filter(name=MODERATORS_GROUP).exists()


def test_a_moderator_reaches_the_moderation_admin(moderator_client):
    html = moderator_client.get(reverse("admin:index")).content.decode()

    for queue in ["Reported comments", "Contender suggestions", "Members", "Moderation log"]:
        assert queue in html


def test_a_moderator_cannot_edit_or_delete_rows(moderator_client, reported):
    assert moderator_client.get(reverse("admin:cities_city_add")).status_code == 403
    delete = reverse("admin:comments_comment_delete", args=[reported.pk])
    assert moderator_client.post(delete, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=reported.pk).exists()


def test_even_a_superuser_cannot_hard_delete_a_comment(client, reported):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:comments_comment_delete", args=[reported.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Comment.objects.filter(pk=reported.pk).exists()


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/comments/reportedcomment/", "/admin/comments/member/"]
)
def test_a_plain_member_cannot_reach_admin(member_client, url):
    response = member_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Comments ---------------------------------------------------------------------------


def test_the_queue_lists_reported_comments_with_counts_and_reasons(moderator_client, reported):
    html = moderator_client.get(reverse("admin:comments_reportedcomment_changelist"))
    html = html.content.decode()

    assert "Cheap watches!" in html
    assert "Spam or advertising (1), Abusive or hateful (1)" in html


def test_hiding_a_reported_comment(moderator_client, moderator, reported, contender):
    response = run_action(
        moderator_client, "comments_reportedcomment", "hide", [reported], "Advertising."
    )

    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.hidden_at is not None
    assert reported.hidden_reason == "Advertising."
    assert set(Report.objects.values_list("resolution", flat=True)) == {"hidden"}
    page = moderator_client.get(contender.get_comments_url()).content.decode()
    assert "Cheap watches!" not in page
    entry = last_log()
    assert (entry.moderator, entry.action, entry.reason) == (
        moderator,
        ModerationAction.HIDE_COMMENT,
        "Advertising.",
    )
    assert (
        entry.subject
        == f"comment by spammer on {contender.city.name} in “{contender.contender_list.title}”"
    )
    assert find_drift(contender.contender_list) == []


def test_a_hidden_comment_with_replies_leaves_a_marker(moderator, reported, contender):
    post_comment(
        user=UserFactory(), contender_id=contender.pk, parent_id=reported.pk, body="Reported it."
    )
    hide_comment(moderator=moderator, comment=reported, reason="Spam.")

    html = Client().get(contender.get_comments_url()).content.decode()
    assert "[removed by a moderator]" in html
    assert "Reported it." in html


def test_hiding_needs_a_reason(moderator_client, reported):
    url = reverse("admin:comments_comment_changelist")
    moderator_client.post(
        url, {"action": "hide", "_selected_action": [reported.pk], "apply": "Apply", "reason": ""}
    )

    reported.refresh_from_db()
    assert reported.hidden_at is None
    assert not ModerationLogEntry.objects.exists()


def test_restoring_a_hidden_comment(moderator_client, reported):
    run_action(moderator_client, "comments_comment", "hide", [reported])

    run_action(moderator_client, "comments_comment", "restore", [reported], "Not spam after all.")

    reported.refresh_from_db()
    assert reported.hidden_at is None
    assert last_log().action == ModerationAction.RESTORE_COMMENT


def test_dismissing_reports_keeps_the_comment(moderator_client, reported):
    run_action(
        moderator_client, "comments_reportedcomment", "dismiss", [reported], "Fair criticism."
    )

    reported.refresh_from_db()
    assert reported.is_visible
    assert set(Report.objects.values_list("resolution", flat=True)) == {"dismissed"}
    assert last_log().action == ModerationAction.DISMISS_REPORTS
    queue = moderator_client.get(reverse("admin:comments_reportedcomment_changelist"))
    assert "Cheap watches!" not in queue.content.decode()


# --- Suggestions ---------------------------------------------------------------------------


@pytest.fixture
def suggestion(contender):
    return ContenderFactory(
        contender_list=contender.contender_list,
        city=CityFactory(name="Eindhoven"),
        status="pending",
        suggested_by=UserFactory(),
    )


def test_approving_a_suggestion_ranks_it_last(moderator_client, suggestion):
    html = moderator_client.get(reverse("admin:cities_contendersuggestion_changelist"))
    assert "Eindhoven" in html.content.decode()

    run_action(moderator_client, "cities_contendersuggestion", "approve", [suggestion], "")

    suggestion.refresh_from_db()
    assert suggestion.status == "approved"
    assert rank_of(suggestion) == 5
    assert last_log().action == ModerationAction.APPROVE_CONTENDER
    assert find_drift(suggestion.contender_list) == []


def test_rejecting_a_suggestion(moderator_client, suggestion):
    run_action(moderator_client, "cities_contendersuggestion", "reject", [suggestion], "Twice.")

    suggestion.refresh_from_db()
    assert suggestion.status == "rejected"
    assert rank_of(suggestion) is None
    assert last_log().reason == "Twice."


# --- Members -----------------------------------------------------------------------------


def test_suspending_and_unsuspending_a_member(moderator_client, member):
    run_action(moderator_client, "comments_member", "suspend", [member], "Vote brigading.")

    assert Suspension.objects.get(user=member, lifted_at__isnull=True).reason == "Vote brigading."
    assert last_log().action == ModerationAction.SUSPEND_USER

    run_action(moderator_client, "comments_member", "unsuspend", [member], "Appeal accepted.")

    assert not Suspension.objects.filter(user=member, lifted_at__isnull=True).exists()
    assert last_log().action == ModerationAction.UNSUSPEND_USER


def test_voiding_a_members_votes_moves_the_rankings(moderator_client, member, contender):
    contender_list = contender.contender_list
    last = at_rank(contender_list, 4)
    cast_vote(user=member, contender_id=last.pk, value=1)
    cast_vote(user=member, contender_id=contender.pk, value=-1)
    assert rank_of(last) == 1

    run_action(moderator_client, "comments_member", "void", [member], "Sock puppet.")

    last.refresh_from_db()
    assert (last.upvotes, last.score, rank_of(last)) == (0, 0, 4)
    assert Vote.objects.filter(user=member, voided_at__isnull=False).count() == 2
    assert find_drift(contender_list) == []
    assert last_log().subject == f"2 votes by {member.username}"


# --- The log ---------------------------------------------------------------------------------


def test_every_kind_of_action_is_logged_and_public(
    client, moderator_client, moderator, member, reported, suggestion, contender
):
    cast_vote(user=member, contender_id=contender.pk, value=1)
    run_action(moderator_client, "comments_comment", "hide", [reported], "Spam.")
    run_action(moderator_client, "comments_comment", "restore", [reported], "Appeal.")
    report_comment(user=UserFactory(), comment_id=reported.pk, reason="other")
    run_action(moderator_client, "comments_reportedcomment", "dismiss", [reported], "Fine.")
    run_action(moderator_client, "cities_contendersuggestion", "approve", [suggestion], "Welcome.")
    other = ContenderFactory(
        contender_list=contender.contender_list, city=CityFactory(), status="pending"
    )
    run_action(moderator_client, "cities_contendersuggestion", "reject", [other], "Not a city.")
    run_action(moderator_client, "comments_member", "suspend", [member], "Rude.")
    run_action(moderator_client, "comments_member", "void", [member], "Rude votes.")
    run_action(moderator_client, "comments_member", "unsuspend", [member], "Calmer now.")

    logged = set(ModerationLogEntry.objects.values_list("action", flat=True))
    assert logged == set(ModerationAction.values)
    assert set(ModerationLogEntry.objects.values_list("moderator", flat=True)) == {moderator.pk}
    html = client.get(reverse("comments:moderation_log")).content.decode()
    for reason in ["Spam.", "Appeal.", "Welcome.", "Not a city.", "Rude votes.", "Calmer now."]:
        assert reason in html
    assert "marta" in html
    assert "Cheap watches!" not in html, "the log names comments without repeating them"
