from django import forms


class MarkAllReadForm(forms.Form):
    """ "Mark all as read": up to the newest notification the page showed."""

    up_to = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DigestForm(forms.Form):
    email_digest = forms.BooleanField(
        required=False,
        label="Email me a daily digest of my unread notifications",
        help_text="One email a day at most, and only when something is unread.",
    )
