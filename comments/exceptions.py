class ActionRefused(Exception):
    """A request the rules do not allow; the message is for the user, the status for HTTP."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# Refusals that several services give, each written once.
NO_SUCH_CONTENDER = "That contender does not exist."
NO_SUCH_COMMENT = "That comment does not exist."
