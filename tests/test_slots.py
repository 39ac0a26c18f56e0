"""HTML with slots (techvote.slots): split at one rendering's markers, filled per member."""

from django.template import Context, Template

from techvote.slots import Markers


def test_html_splits_at_its_markers_and_fills_back_in_order():
    markers = Markers()
    html = f"<p>{markers['name']} has {markers['count']} votes, {markers['name']}.</p>"

    slotted = markers.split(html)

    assert slotted.slots == ("name", "count", "name")
    assert slotted.count("name") == 2
    assert slotted.fill({"name": "Ada", "count": "3"}) == "<p>Ada has 3 votes, Ada.</p>"


def test_a_marker_survives_html_escaping_whole():
    markers = Markers()
    html = Template('<input value="{{ token }}">').render(Context({"token": markers["csrf"]}))

    assert markers.split(html).fill({"csrf": "abc"}) == '<input value="abc">'


def test_text_shaped_like_another_renderings_marker_stays_text():
    """Each rendering draws its own nonce, so nothing written before it can name a slot."""
    earlier, markers = Markers(), Markers()
    html = f"<p>{earlier['account']}</p>{markers['account']}"

    slotted = markers.split(html)

    assert slotted.slots == ("account",)
    assert slotted.fill({"account": "me"}) == f"<p>{earlier['account']}</p>me"


def test_a_filled_value_is_never_read_as_a_marker():
    markers = Markers()
    slotted = markers.split(f"<p>{markers['name']}</p>")

    filled = slotted.fill({"name": markers["name"]})

    assert filled == f"<p>{markers['name']}</p>"
