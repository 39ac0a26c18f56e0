"""Every change members make, by name: an index of the modules that make them.

Each kind of change has its own module, the only writer of its rows:

- comments.votes: cast_vote (votes on contenders, their counts, the daily snapshot)
- comments.thumbs: thumb_comment
- comments.comments: post_comment, edit_comment, delete_comment (and the edit window)
- comments.reports: report_comment
- comments.suggestions: suggest_city, suggest_contender
- comments.standing: who may take part
- comments.transitions: up / down / none, shared by votes and thumbs

Moderators' changes are in comments.moderation, counts and drift in
comments.counts. Import from here or from the module; both are the same names.
"""

from comments.comments import (
    clean_comment_body,
    delete_comment,
    edit_comment,
    edit_window_open,
    ensure_author,
    ensure_within_edit_window,
    post_comment,
)
from comments.exceptions import ActionRefused
from comments.reports import report_comment
from comments.standing import Standing, ensure_can_participate, forget_standing, standing_of
from comments.suggestions import suggest_city, suggest_contender
from comments.thumbs import ThumbOutcome, thumb_comment
from comments.transitions import NO_VOTE, VOTE_CHOICES
from comments.votes import VoteOutcome, cast_vote

__all__ = [
    "NO_VOTE",
    "VOTE_CHOICES",
    "ActionRefused",
    "Standing",
    "ThumbOutcome",
    "VoteOutcome",
    "cast_vote",
    "clean_comment_body",
    "delete_comment",
    "edit_comment",
    "edit_window_open",
    "ensure_author",
    "ensure_can_participate",
    "ensure_within_edit_window",
    "forget_standing",
    "post_comment",
    "report_comment",
    "standing_of",
    "suggest_city",
    "suggest_contender",
    "thumb_comment",
]
