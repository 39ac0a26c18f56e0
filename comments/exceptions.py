class ActionRefused(Exception):
    """A request the rules do not allow; the message is for the user, the status for HTTP."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status
