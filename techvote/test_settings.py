"""Test settings: the real settings, made faster and self-contained for tests."""

import hashlib

from techvote.settings import *  # noqa: F403

SECRET_KEY = "tests-only-key-never-used-outside-the-test-suite-0123456789"

# Hashing is the slowest part of creating a user; tests create many.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False

# Tests read pages right after changing data; the tests of the anonymous page
# cache turn it on themselves.
ANONYMOUS_PAGE_SECONDS = 0

# The hashed-name storage needs `collectstatic` first; tests serve sources.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files from the app folders, as in development: the browser
# tests' live server needs them and there is no collectstatic output.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests run without DEBUG, so derive the open-data pseudonym key from the
# tests' own SECRET_KEY, as a DEBUG run does (techvote/settings.py).
OPEN_DATA_PSEUDONYM_KEY = hashlib.sha256(
    f"techvote open data pseudonyms:{SECRET_KEY}".encode()
).hexdigest()
