"""The floors the pages are measured against; mounted only under bench.settings."""

from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from cities.models import Contender
from comments.models import Vote

# Fifty rows shaped like a list page's: rank, city, country, summary, score.
ROWS = [
    {
        "rank": number,
        "name": f"Floor City {number}",
        "slug": f"floor-city-{number}",
        "country": "Benchland",
        "summary": "A city of fast networks, busy labs and a startup on every corner, "
        "home to chip makers, robot builders and three universities.",
        "score": 1000 - number,
    }
    for number in range(1, 51)
]


def hello(request):
    """The least a Django view can do: the first floor."""
    return HttpResponse("Hello, world.")


def rows(request):
    """A page of 50 rows in the site's layout, with no database: the second floor."""
    return render(request, "bench/rows.html", {"rows": ROWS})


@require_POST
def bare_vote(request, contender_id):
    """A vote with nothing but its row and an F() counter, for the vote's ratio."""
    with transaction.atomic():
        Vote.objects.create(user=request.user, contender_id=contender_id, value=1)
        Contender.objects.filter(pk=contender_id).update(
            upvotes=F("upvotes") + 1, score=F("score") + 1
        )
    return HttpResponseRedirect("/")
