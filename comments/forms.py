from django import forms

from comments.services import VOTE_CHOICES


class VoteForm(forms.Form):
    """The vote a button posts: 1 (up), -1 (down) or 0 (take it back)."""

    value = forms.TypedChoiceField(
        choices=[(value, label) for value, label in VOTE_CHOICES.items()],
        coerce=int,
        error_messages={
            "invalid_choice": "A vote is up, down or none.",
            "required": "A vote is up, down or none.",
        },
    )
