class ActionRefused(Exception):
    """A request the rules do not allow; the message is for the user, the status for HTTP.

    `link` is an (address, text) pair for a page the message points at: the
    city a suggestion duplicates, say.
    """

    def __init__(self, message: str, *, status: int = 400, link: tuple[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.link = link


# Refusals that several services give, each written once.
NO_SUCH_CONTENDER = "That contender does not exist."
NO_SUCH_COMMENT = "That comment does not exist."
