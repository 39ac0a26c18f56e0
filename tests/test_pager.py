"""The one pager partial, as the comment threads, a member's votes and the log use it."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def pager(number, **context):
    page = Paginator(range(100), 20).page(number)
    return render_to_string("_pager.html", {"page": page, **context})


def test_it_links_both_ways_keeping_the_query_and_the_anchor():
    html = pager(
        2,
        label="Comment pages",
        newer="Previous comments",
        older="More comments",
        query="sort=top",
        anchor="#comments-heading",
    )

    assert '<nav class="pager" aria-label="Comment pages">' in html
    assert '<a href="?sort=top&amp;page=1#comments-heading">Previous comments</a>' in html
    assert "<span>Page 2 of 5</span>" in html
    assert '<a href="?sort=top&amp;page=3#comments-heading">More comments</a>' in html


def test_the_first_page_has_no_previous_link_and_no_query_needs_none():
    html = pager(1, label="Log pages", newer="Newer", older="Older")

    assert "Newer" not in html
    assert '<a href="?page=2">Older</a>' in html


def test_a_single_page_shows_no_pager():
    page = Paginator(range(5), 20).page(1)

    assert render_to_string("_pager.html", {"page": page}).strip() == ""
