from django import forms

from cities.models import RankingMethod

# Longer than any city, country or list title; anything longer is not a search.
MAX_SEARCH_LENGTH = 100
# Far beyond the last page of any list; a larger number is a malformed link.
MAX_PAGE = 10_000


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


class ListPageForm(SearchForm):
    """A list page's query string: the search and page, and the method to rank by.

    No method means the list's official one; an unknown one is refused with
    a message naming the methods there are (a 400, the rows left out).
    """

    method = forms.ChoiceField(
        choices=RankingMethod.choices,
        required=False,
        error_messages={
            "invalid_choice": (
                "There is no ranking method called “%(value)s”. Choose one of: "
                + ", ".join(RankingMethod.values)
                + "."
            ),
        },
    )
