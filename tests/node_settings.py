"""Settings of the web nodes tests/test_web_nodes.py starts: the test settings, pages shared.

The test settings turn the shared pages off, so that tests read what they
just wrote; several nodes must show that sharing pages stays correct, so
here pages live as long as in production.
"""

from techvote.test_settings import *  # noqa: F403

ANONYMOUS_PAGE_SECONDS = 5
