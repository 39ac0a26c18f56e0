from django import forms

from cities.models import Continent, RankingMethod

# Longer than any city, country or list title; anything longer is not a search.
MAX_SEARCH_LENGTH = 100
# Far beyond the last page of any list; a larger number is a malformed link.
MAX_PAGE = 10_000
# How many pages "Load more" keeps on one address (?upto=): enough for a long
# read, few enough that one address never asks for thousands of rows. Past
# it the address names the last page alone (cities/_load_more.html).
MAX_SHOWN_PAGES = 20
RISING = "rising"


class SearchForm(forms.Form):
    """The words to look for and the page of results, as they come in the query string."""

    q = forms.CharField(
        label="Search",
        max_length=MAX_SEARCH_LENGTH,
        required=False,
        error_messages={
            "max_length": f"Search for at most {MAX_SEARCH_LENGTH} characters.",
            "null_characters_not_allowed": "Search terms cannot contain that character.",
        },
    )
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    def clean_q(self):
        # Collapse runs of white space: "  new   york " searches "new york".
        return " ".join(self.cleaned_data["q"].split())


def optional_choice(what: str, choices) -> forms.ChoiceField:
    """A choice the query string may leave out; an unknown one is refused, naming the others."""
    values = ", ".join(value for value, _ in choices)
    return forms.ChoiceField(
        choices=choices,
        required=False,
        error_messages={
            "invalid_choice": f"There is no {what} called “%(value)s”. Choose one of: {values}."
        },
    )


class ListPageForm(SearchForm):
    """A list page's query string: the search and pages, the method, the filters and the view.

    No method means the list's official one; an unknown one is refused with
    a message naming the methods there are (a 400, the rows left out), and so
    is an unknown continent or view. `upto` is the last page shown: "Load
    more" leaves ?upto=3 in the address, so that coming back to it shows
    every row that was loaded; a malformed one is a missing page.
    """

    method = optional_choice("ranking method", RankingMethod.choices)
    upto = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    continent = optional_choice("continent", Continent.choices)
    country = forms.CharField(
        max_length=MAX_SEARCH_LENGTH,
        required=False,
        error_messages={
            "max_length": f"A country's name has at most {MAX_SEARCH_LENGTH} characters.",
            "null_characters_not_allowed": "A country's name cannot contain that character.",
        },
    )
    sort = optional_choice("view", [("rank", "By rank"), (RISING, "Rising since yesterday")])

    def clean_country(self):
        return " ".join(self.cleaned_data["country"].split())

    def clean(self):
        cleaned = super().clean()
        page, upto = cleaned.get("page") or 1, cleaned.get("upto")
        if upto is not None and not page <= upto < page + MAX_SHOWN_PAGES:
            self.add_error("page", "No such pages.")
        narrowed = cleaned.get("q") or cleaned.get("continent") or cleaned.get("country")
        if cleaned.get("sort") == RISING and narrowed:
            self.add_error(
                "sort",
                "The rising view covers the whole list: clear the search, continent "
                "or country to see it.",
            )
        return cleaned
