"""Figures computed from the whole record (scorecards) are kept for a few minutes under a
version token. A write through the services replaces the token once it commits, so the next
page computes them again; writes that bypass the services (an import, the admin) are seen when
the kept figures expire. The tokens live in Django's cache, which every worker and host shares
(settings.CACHES), so clearing the cache refreshes everything.

The letters still owed (Today's lists) also depend on the reports written and sent: those
writes replace a second token, so that sending a letter does not recompute every scorecard.
Likewise a third for contacts: logging a touchpoint replaces it, and the partners' latest
contacts (who still needs a call) are read again, not the scorecards."""

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "liaison:figures:version"
LETTERS_KEY = "liaison:letters:version"
CONTACTS_KEY = "liaison:contacts:version"


def figures_version() -> str:
    return _version(VERSION_KEY)


def letters_version() -> str:
    return _version(LETTERS_KEY)


def contacts_version() -> str:
    return _version(CONTACTS_KEY)


def figures_changed() -> None:
    _changed(VERSION_KEY)


def letters_changed() -> None:
    _changed(LETTERS_KEY)


def contacts_changed() -> None:
    _changed(CONTACTS_KEY)


def _version(key: str) -> str:
    return cache.get_or_set(key, uuid.uuid4().hex, None)


def _changed(key: str) -> None:
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))
