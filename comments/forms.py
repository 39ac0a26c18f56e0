from dataclasses import dataclass
from functools import cached_property

from django import forms

from cities.models import SUGGESTION_REASON_MAX_LENGTH, City, Contender, ContenderList
from comments.comments import clean_comment_body
from comments.exceptions import ActionRefused
from comments.members import DELETION_PHRASE
from comments.models import (
    BALLOT_SIZE,
    BIO_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    DISPLAY_NAME_MAX_LENGTH,
    DUEL_REASON_MAX_LENGTH,
    CommentSort,
    ReportReason,
)
from comments.transitions import NOT_A_CHOICE, VOTE_CHOICES

SUGGESTION_REASON_MIN_LENGTH = 10  # Enough for "Home of ...", not a shrug.
NOT_IN_LIST = "A ballot can only rank cities of its own list."  # As comments.ballots says.


class VoteForm(forms.Form):
    """The vote a button posts: 1 (up), -1 (down) or 0 (take it back). Thumbs use it too."""

    value = forms.TypedChoiceField(
        choices=[(value, label) for value, label in VOTE_CHOICES.items()],
        coerce=int,
        error_messages={"invalid_choice": NOT_A_CHOICE, "required": NOT_A_CHOICE},
    )


class ShownRanksForm(forms.Form):
    """The first and last ranks a list page shows, which its script sends with a vote."""

    shown_from = forms.IntegerField(min_value=1)
    shown_to = forms.IntegerField(min_value=1)


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


class RepliesForm(forms.Form):
    """?after=: the reply a page of a thread's replies starts after (none: the first)."""

    after = forms.IntegerField(required=False, min_value=1)


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
    """A city for a list, by name and country, and why it belongs there."""

    name = forms.CharField(
        label="City", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    country = forms.CharField(
        label="Country",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
    )
    reason = forms.CharField(
        label="Why does it belong in this list?",
        min_length=SUGGESTION_REASON_MIN_LENGTH,
        max_length=SUGGESTION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": SUGGESTION_REASON_MAX_LENGTH}),
        help_text="A sentence or two for the moderators: its labs, its companies, its firsts.",
        error_messages={
            "required": "Say in a sentence why it belongs in the list.",
            "min_length": "Say a little more: at least %(limit_value)d characters.",
        },
    )


class ProfileForm(forms.Form):
    """What a member's page says about them, and whether it lists their votes."""

    display_name = forms.CharField(
        label="Display name",
        required=False,
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text="Shown on your page above your username. Optional.",
    )
    bio = forms.CharField(
        label="About you",
        required=False,
        max_length=BIO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": BIO_MAX_LENGTH}),
        help_text=f"A line or two, up to {BIO_MAX_LENGTH} characters. Optional.",
    )
    home_city = forms.ModelChoiceField(
        label="Home city",
        queryset=City.objects.order_by("name"),
        required=False,
        empty_label="None given",
    )
    votes_public = forms.BooleanField(
        label="Show my votes on my page",
        required=False,
        help_text="Off: your votes still count, but only you see the list of them.",
    )


class DeleteAccountForm(forms.Form):
    """The one confirmation before an account is deleted: the password, typed again, or,
    for an account without one (made through GitHub or Google), a phrase."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label="Your password",
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                error_messages={"required": "Type your password to confirm."},
            )
        else:
            self.fields["phrase"] = forms.CharField(
                label=f"Type “{DELETION_PHRASE}” to confirm",
                error_messages={"required": f"Type “{DELETION_PHRASE}” to confirm."},
            )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password; nothing was deleted.")
        return password

    def clean_phrase(self):
        phrase = " ".join(self.cleaned_data["phrase"].split()).casefold()
        if phrase != DELETION_PHRASE:
            raise forms.ValidationError(f"Type “{DELETION_PHRASE}” exactly; nothing was deleted.")
        return phrase


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
    1, 2, 5 saves as 1, 2, 3. Whether the cities are the list's and may be
    ranked is the service's to say (comments.ballots), so a well-formed
    ballot is read without a query, as often as members save; the cities
    are read only for a refused one, to name them in its messages and show
    it again as it was posted (`rows`).
    """

    def __init__(self, data=None, *, contender_list: ContenderList):
        super().__init__(data)
        self.contender_list = contender_list
        self._kept: list[int] = []
        self._removed: set[int] = set()
        self._added: list[int] = []
        self._positions: dict[int, str] = {}
        self._row_errors: dict[int, str] = {}

    def clean(self):
        try:
            self._kept = _ids(self.data.getlist("contender"))
            self._removed = set(_ids(self.data.getlist("remove")))
            self._added = _ids(self.data.getlist("add"))
        except ValueError:
            raise forms.ValidationError(NOT_IN_LIST) from None
        kept, added = self._kept, self._added
        self._positions = {pk: self.data.get(f"position-{pk}", "").strip() for pk in kept}
        if len(set(kept)) != len(kept) or len(set(added)) != len(added):
            raise forms.ValidationError("A ballot names each city once.")
        for pk in added:
            if pk in self._positions:
                raise forms.ValidationError(f"{self._name(pk)} is on your ballot already.")
        staying = [pk for pk in kept if pk not in self._removed]
        self._check_positions(staying)
        chosen = sorted(staying, key=lambda pk: int(self._positions[pk])) + added
        if not chosen:
            raise forms.ValidationError(
                "Your ballot would be empty: keep at least one city, or withdraw the ballot."
            )
        if len(chosen) > BALLOT_SIZE:
            raise forms.ValidationError(
                f"A ballot ranks at most {BALLOT_SIZE} cities; this one would have "
                f"{len(chosen)}. Remove some first."
            )
        self.cleaned_data["contender_ids"] = chosen
        return self.cleaned_data

    def _check_positions(self, staying: list[int]) -> None:
        """Each position a whole number from 1 to 10, and no two cities at one."""
        holder: dict[int, int] = {}
        for pk in staying:
            try:
                position = int(self._positions[pk])
            except ValueError:
                position = 0
            if not 1 <= position <= BALLOT_SIZE:
                self._row_errors[pk] = f"Give {self._name(pk)} a position from 1 to {BALLOT_SIZE}."
            elif position in holder:
                self._row_errors[pk] = (
                    f"{self._name(holder[position])} and {self._name(pk)} are both at "
                    f"position {position}: give each city its own place."
                )
            else:
                holder[position] = pk
        if self._row_errors:
            raise forms.ValidationError(list(self._row_errors.values()))

    @cached_property
    def _contenders(self) -> dict[int, Contender]:
        """The posted cities that are the list's, with their names, in one query."""
        return (
            Contender.objects.filter(
                contender_list=self.contender_list, pk__in=self._kept + self._added
            )
            .with_city()
            .in_bulk()
        )

    def _name(self, pk: int) -> str:
        contender = self._contenders.get(pk)
        return contender.city.name if contender else "A city of another list"

    @property
    def rows(self) -> list[BallotRow]:
        """The ballot as it was posted, the cities ticked to add after it, for showing a
        refused ballot again; cities that are not the list's are left out."""
        kept = [
            BallotRow(
                self._contenders[pk],
                self._positions.get(pk, ""),
                pk in self._removed,
                self._row_errors.get(pk, ""),
            )
            for pk in dict.fromkeys(self._kept)
            if pk in self._contenders
        ]
        staying = sum(not row.removed for row in kept)
        added = [pk for pk in dict.fromkeys(self._added) if pk in self._contenders]
        added = [pk for pk in added if pk not in self._positions]
        return kept + [
            BallotRow(self._contenders[pk], str(staying + place))
            for place, pk in enumerate(added, start=1)
        ]


class ThreadForm(forms.Form):
    """How to show a page of comments: ?sort=top|new&page=N."""

    sort = forms.ChoiceField(choices=CommentSort.choices, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)


class DuelAnswer(forms.Form):
    """One answer to a duel: which side, or can't decide with an optional reason.

    The pair and the duel's number travel in `duel`, signed by the page that
    showed them (comments.duel_page.duel_token), so a post can only answer a
    duel the site asked this visitor; the posted winner is one of its two.
    """

    LEFT, RIGHT, UNDECIDED = "left", "right", "undecided"

    duel = forms.CharField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        choices=[(LEFT, "This one"), (RIGHT, "That one"), (UNDECIDED, "Can't decide")],
        error_messages={
            "invalid_choice": "Pick one of the two cities, or “Can't decide”.",
            "required": "Pick one of the two cities, or “Can't decide”.",
        },
    )
    reason = forms.CharField(
        label="Why not? (optional)",
        required=False,
        max_length=DUEL_REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"maxlength": DUEL_REASON_MAX_LENGTH}),
    )

    def __init__(self, *args, read_token, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_token = read_token

    def clean_duel(self):
        pair = self.read_token(self.cleaned_data["duel"])
        if pair is None:
            raise forms.ValidationError(
                "This duel's form is out of date or was not made for you; here is a fresh one."
            )
        return pair

    def clean(self):
        data = super().clean()
        if data.get("answer") != self.UNDECIDED:
            # A reason belongs to "can't decide"; one typed before picking a side is dropped.
            data["reason"] = ""
        return data

    def winner_id(self) -> int | None:
        """The contender id the answer names, or None for can't decide."""
        pair, answer = self.cleaned_data["duel"], self.cleaned_data["answer"]
        return {self.LEFT: pair.left_id, self.RIGHT: pair.right_id}.get(answer)
