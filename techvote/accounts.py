"""TechVote's additions to allauth: mail in the site's name, one wording for
logging in, and "send the link again" for an unconfirmed address.

allauth names the site in mail from Django's sites framework, or without it
from the request's host: members got "Hello from 127.0.0.1:8200" and links
to whatever Host the request carried. Here every mail's greeting, signature
(templates/account/email/base_message.txt) and links come from SITE_NAME and
SITE_URL, and the subject prefix is set from SITE_NAME in the settings.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account import forms as forms_login
from allauth.account.internal.flows.email_verification import (
    consume_email_verification_rate_limit,
)
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from comments.usernames import AccountAdapter as UsernamesAdapter
from comments.vote_intents import cast_vote_intent


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's mail templates read from `current_site`, and the address."""

    name: str
    domain: str
    url: str


def site_identity() -> SiteIdentity:
    return SiteIdentity(
        name=settings.SITE_NAME,
        domain=urlsplit(settings.SITE_URL).netloc,
        url=settings.SITE_URL,
    )


def on_site_url(url: str) -> str:
    """`url`'s path and query at SITE_URL, whatever host the request named."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


class AccountAdapter(UsernamesAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": site_identity()})

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site_url(super().get_reset_password_from_key_url(key))

    def login(self, request, user) -> None:
        """Log in, then cast the vote the visitor pressed before (comments.vote_intents).

        Every way in passes here (the login form, confirming an address), each
        a POST under CSRF, so the kept vote is cast by a POST.
        """
        super().login(request, user)
        cast_vote_intent(request, user)


class LoginForm(forms_login.LoginForm):
    """allauth's login form with the site's wording: no "Login:" or "Remember Me:"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in"


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(max_length=254)


# Said whatever the address: whether an account waits for it is nobody's business.
RESENT = (
    "If an account is waiting for {email} to be confirmed, a new link is on its way. "
    "Links already sent keep working."
)
TOO_SOON = (
    "A link went to {email} less than three minutes ago: look for it (the spam folder "
    "too), or ask again in a few minutes."
)


@require_POST
def resend_confirmation(request):
    """ "Send the link again" on the confirm-your-address page.

    Sends a new link to an address that has an account and is not yet
    confirmed, within allauth's "confirm_email" limit (ACCOUNT_RATE_LIMITS:
    one per address every three minutes, counted for any address typed); the
    answer does not depend on whether the address has an account, so the form
    tells nobody which addresses do.
    """
    form = ResendConfirmationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Type the email address you signed up with.")
        return redirect("account_email_verification_sent")
    email = form.cleaned_data["email"]
    if not consume_email_verification_rate_limit(request, email):
        messages.info(request, TOO_SOON.format(email=email))
        return redirect("account_email_verification_sent")
    address = EmailAddress.objects.filter(email__iexact=email, verified=False).first()
    if address is not None:
        address.send_confirmation(request)
    messages.info(request, RESENT.format(email=email))
    return redirect("account_email_verification_sent")
