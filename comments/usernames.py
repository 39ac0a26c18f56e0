"""Usernames that cannot pass for another: normalised, and refused if they look like one taken.

A name is kept in Unicode NFKC form (full-width and superscript letters
become plain ones) and compared by its confusable skeleton (Unicode TR39):
NFD, each character replaced by the prototype it can be mistaken for,
NFD again, here case-folded as well. "alice" with a Cyrillic a and "alice"
share a skeleton, so the second to ask for it is refused. The table is
Unicode's confusables.txt as confusable_homoglyphs ships it.
"""

import functools
import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from confusable_homoglyphs.confusables import confusables_data
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

_MARKS = str.maketrans("", "", "\u200e\u200f")  # Direction marks around right-to-left samples.


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character and the one string all its look-alikes map to.

    The library lists each pair of confusables both ways; a character's
    look-alikes with their prototype form a star, so the star's centre (the
    multi-character or most connected member) stands for all of them.
    """
    groups: dict[str, set[str]] = {}
    for char, alikes in confusables_data.items():
        char = char.translate(_MARKS)
        for alike in alikes:
            groups.setdefault(char, set()).add(alike["c"].translate(_MARKS))
    prototypes = {}
    for char, alikes in groups.items():
        if len(char) != 1:
            continue
        candidates = [char, *alikes]
        centre = max(candidates, key=lambda c: (len(c) > 1, len(groups.get(c, ())), c))
        prototypes[char] = centre
    return prototypes


def skeleton(name: str) -> str:
    """The TR39 skeleton of the normalised, case-folded name."""
    folded = unicodedata.normalize("NFD", normalise_username(name).casefold())
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(char, char) for char in folded)
    return unicodedata.normalize("NFD", mapped).casefold()


def normalise_username(name: str) -> str:
    """The form a username is stored in: NFKC, with no surrounding blank space."""
    return unicodedata.normalize("NFKC", name).strip()


def look_alike_of(name: str) -> str | None:
    """A reserved or existing username that `name` could be mistaken for, or None."""
    wanted = skeleton(name)
    for reserved in settings.ACCOUNT_USERNAME_BLACKLIST:
        if skeleton(reserved) == wanted:
            return reserved
    # Every name is read: sign-ups are rare and rate-limited, and a stored
    # skeleton column would miss the accounts made outside sign-up.
    usernames = get_user_model().objects.values_list("username", flat=True)
    for existing in usernames.iterator(chunk_size=2000):
        if skeleton(existing) == wanted:
            return existing
    return None


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, refusing usernames that look like one taken or reserved."""

    def clean_username(self, username, shallow=False):
        username = super().clean_username(normalise_username(username), shallow=shallow)
        if not shallow and look_alike_of(username) is not None:
            raise forms.ValidationError(
                "That username looks too much like one already taken or reserved "
                "(some letters from other alphabets look the same). Please choose another."
            )
        return username
