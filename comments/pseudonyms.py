"""Members in the open data: a keyed hash in place of the account, per list.

A pseudonym is HMAC-SHA256 under OPEN_DATA_PSEUDONYM_KEY of the list and
the member's id. The same member has the same pseudonym in every export of
a list, so anyone can follow their votes and ballot from day to day; without
the key nobody can tell who it is, nor that two lists' pseudonyms are one
member, since the list is hashed in.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# 16 hex digits (64 bits): two of a list's members share one with a chance
# of about 3e-10 at 100,000 members, and a million-vote CSV stays small.
PSEUDONYM_LENGTH = 16


def pseudonym_key() -> bytes:
    """The secret, refused when unset: a guessable key would unmask every member."""
    key = settings.OPEN_DATA_PSEUDONYM_KEY
    if not key:
        raise ImproperlyConfigured(
            "Set OPEN_DATA_PSEUDONYM_KEY to a long random secret before exporting open data."
        )
    return key.encode()


def pseudonyms(*, contender_list_id: int, member_ids) -> dict[int, str]:
    """Each member id's pseudonym within the list."""
    key = pseudonym_key()
    return {
        member_id: hmac.new(
            key, f"{contender_list_id}:{member_id}".encode(), hashlib.sha256
        ).hexdigest()[:PSEUDONYM_LENGTH]
        for member_id in member_ids
    }
