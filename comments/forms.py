from dataclasses import dataclass

from django import forms

from cities.models import City, Contender, ContenderList
from comments.comments import clean_comment_body
from comments.exceptions import ActionRefused
from comments.models import BALLOT_SIZE, COMMENT_MAX_LENGTH, CommentSort, ReportReason
from comments.transitions import NOT_A_CHOICE, VOTE_CHOICES

NOT_IN_LIST = "That city is not in this list."


class VoteForm(forms.Form):
    """The vote a button posts: 1 (up), -1 (down) or 0 (take it back). Thumbs use it too."""

    value = forms.TypedChoiceField(
        choices=[(value, label) for value, label in VOTE_CHOICES.items()],
        coerce=int,
        error_messages={"invalid_choice": NOT_A_CHOICE, "required": NOT_A_CHOICE},
    )


class CommentForm(forms.Form):
    """A comment or a reply; the length rules are the service's, checked here first."""

    body = forms.CharField(
        label="Your comment",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        help_text="Plain text. Links become clickable; a blank line starts a new paragraph.",
        error_messages={"required": "Write something first."},
    )

    def clean_body(self):
        try:
            return clean_comment_body(self.cleaned_data["body"])
        except ActionRefused as refusal:
            raise forms.ValidationError(refusal.message) from None


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SuggestForm(forms.Form):
    city = forms.ModelChoiceField(
        label="City", queryset=City.objects.none(), empty_label="Choose a city"
    )

    def __init__(self, *args, contender_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.exclude(
            contenders__contender_list=contender_list
        ).order_by("name")
        self.fields["city"].error_messages["invalid_choice"] = (
            "Choose one of the cities in the list; it may already stand in this list."
        )


def _ids(values: list[str]) -> list[int]:
    """Posted ids as numbers; ValueError for anything that cannot be a row's id."""
    ids = [int(value) for value in values]
    if any(not 0 < pk < 2**31 for pk in ids):
        raise ValueError("not an id")
    return ids


@dataclass
class BallotRow:
    """One city on the ballot page: as stored, or as the member just posted it."""

    contender: Contender
    position: str
    removed: bool = False
    error: str = ""


class BallotForm(forms.Form):
    """A ballot as its page posts it, read into the ids to save, best first.

    For each city on the ballot the page sends its id (`contender`) and its
    position (`position-<id>`, a number from 1 to 10); ticked `remove` boxes
    take cities off, ticked `add` boxes put cities of the list's search on
    it, after the others. Positions only order the cities, so gaps close up:
    1, 2, 5 saves as 1, 2, 3. The cities are read in one query, so that each
    message can name the city it is about and a refused ballot comes back as
    it was posted. Whether a city may be ranked (approved, list open) is the
    service's to say (comments.ballots).
    """

    def __init__(self, data=None, *, contender_list: ContenderList):
        super().__init__(data)
        self.contender_list = contender_list
        self.rows: list[BallotRow] = []

    def clean(self):
        try:
            kept = _ids(self.data.getlist("contender"))
            removed = set(_ids(self.data.getlist("remove")))
            added = _ids(self.data.getlist("add"))
        except ValueError:
            raise forms.ValidationError(NOT_IN_LIST) from None
        named = (
            Contender.objects.filter(contender_list=self.contender_list, pk__in=kept + added)
            .with_city()
            .in_bulk()
        )
        if len(named) != len(set(kept + added)):
            raise forms.ValidationError(NOT_IN_LIST)
        if len(set(kept)) != len(kept) or len(set(added)) != len(added):
            raise forms.ValidationError("A ballot names each city once.")
        rows = [
            BallotRow(named[pk], self.data.get(f"position-{pk}", "").strip(), pk in removed)
            for pk in kept
        ]
        staying = [row for row in rows if not row.removed]
        # Added cities go after the others, in the order they were ticked.
        new_rows = [
            BallotRow(named[pk], str(len(staying) + place))
            for place, pk in enumerate((pk for pk in added if pk not in kept), start=1)
        ]
        self.rows = rows + new_rows
        for pk in added:
            if pk in kept:
                raise forms.ValidationError(f"{named[pk].city.name} is on your ballot already.")
        self._check_positions(staying)
        staying.sort(key=lambda row: int(row.position))
        chosen = staying + new_rows
        if not chosen:
            raise forms.ValidationError(
                "Your ballot would be empty: keep at least one city, or withdraw the ballot."
            )
        if len(chosen) > BALLOT_SIZE:
            raise forms.ValidationError(
                f"A ballot ranks at most {BALLOT_SIZE} cities; this one would have "
                f"{len(chosen)}. Remove some first."
            )
        self.cleaned_data["contender_ids"] = [row.contender.pk for row in chosen]
        return self.cleaned_data

    def _check_positions(self, rows: list[BallotRow]) -> None:
        """Each row's position a whole number from 1 to 10, and no two rows at one."""
        holder: dict[int, BallotRow] = {}
        for row in rows:
            name = row.contender.city.name
            try:
                position = int(row.position)
            except ValueError:
                position = 0
            if not 1 <= position <= BALLOT_SIZE:
                row.error = f"Give {name} a position from 1 to {BALLOT_SIZE}."
            elif position in holder:
                row.error = (
                    f"{holder[position].contender.city.name} and {name} are both at "
                    f"position {position}: give each city its own place."
                )
            else:
                holder[position] = row
        errors = [row.error for row in rows if row.error]
        if errors:
            raise forms.ValidationError(errors)


class ThreadForm(forms.Form):
    """How to show a page of comments: ?sort=top|new&page=N."""

    sort = forms.ChoiceField(choices=CommentSort.choices, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)
