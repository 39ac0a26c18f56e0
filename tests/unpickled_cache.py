"""A cache backend that hands back the very objects it was given, never a copy.

Django's local-memory cache pickles on every read and write, which hides a
page that changes what it read from a cache; with this backend such a change
would show on the next reader's page.
"""

from django.core.cache.backends.locmem import LocMemCache


class UnpickledCache(LocMemCache):
    def add(self, key, value, timeout=None, version=None):
        if self.has_key(key, version=version):
            return False
        self.set(key, value, timeout, version)
        return True

    def set(self, key, value, timeout=None, version=None):
        super().set(key, None, timeout, version)  # Expiry and eviction, as LocMemCache keeps.
        self._cache[self.make_and_validate_key(key, version=version)] = value

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            return self._cache.get(key, default)
