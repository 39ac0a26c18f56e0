from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that is away."""

    def send_messages(self, email_messages):
        raise ConnectionError("The mail server is away.")
