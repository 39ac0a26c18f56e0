"""The comments app's pages assembled: what a contender's page shows, in a fixed number
of queries (the list and city pages are cities.pages)."""

from cities.models import Contender
from comments.forms import CommentForm
from comments.models import Comment, MethodStanding, Vote
from comments.standing import standing_of
from comments.threads import read_thread_form, thread_page


def contender_page(request, *, contender: Contender, form: CommentForm) -> dict:
    """A city in a list: its rank and score, its rank by each counted method with how sure
    it is, the reader's own vote, a page of its threads, the comment form and whether the
    reader may use it."""
    sort, number = read_thread_form(request)
    comments = Comment.objects.filter(contender=contender)
    your_votes = Vote.objects.values_by_contender(request.user, [contender.pk])
    return {
        "contender": contender,
        "contender_list": contender.contender_list,
        "your_vote": your_votes.get(contender.pk, 0),
        "method_standings": list(MethodStanding.objects.shown_for(contender)),
        "threads": thread_page(request, comments, sort=sort, number=number, contender=contender),
        "sort": sort,
        "form": form,
        "standing": standing_of(request.user) if request.user.is_authenticated else None,
    }
