from django import forms

from cities.models import City
from comments.comments import clean_comment_body
from comments.exceptions import ActionRefused
from comments.models import COMMENT_MAX_LENGTH, DUEL_REASON_MAX_LENGTH, CommentSort, ReportReason
from comments.transitions import NOT_A_CHOICE, VOTE_CHOICES


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
