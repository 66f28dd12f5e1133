"""The parts of a link's URL, as the build, the error catalog and the check cut them.

In: a URL as a page or a built output writes it. Out: its parts (pure; imports nothing, so
the check's start-up does not pay for the sanitizer's patterns to use it).
"""

from __future__ import annotations


def split_url(url: str) -> tuple[str, str]:
    """``url`` cut where its query or fragment starts, whichever comes first: its path, and
    the ``?...`` or ``#...`` that follows it (``""`` for none)."""
    cut = min((i for i in (url.find("#"), url.find("?")) if i != -1), default=len(url))
    return url[:cut], url[cut:]
