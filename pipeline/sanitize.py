"""Translations are untrusted: keep a msgstr's markup to what its msgid carries (pure).

In: a msgid and its msgstr. Out: the msgstr with every HTML tag that the msgid does not
carry (by tag name, counted) escaped as text, and every link destination whose scheme is
not one the msgid uses (``javascript:``, ``data:``, ``vbscript:`` ...) neutralized. A
translation can therefore reword, reorder and restyle, but never add live markup.
"""

from __future__ import annotations

import re
from collections import Counter

_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>|<!--.*?-->|<[!?][^<>]*>", re.DOTALL)
_DEST = re.compile(r"\]\(\s*<?([^)\s>]*)")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
_SAFE_SCHEMES = {"http", "https", "mailto"}


def sanitize_translation(msgid: str, msgstr: str) -> str:
    allowed = Counter(m.group(0) for m in _TAG.finditer(msgid))

    def escape(match: re.Match[str]) -> str:
        tag = match.group(0)
        if allowed[tag] > 0:
            allowed[tag] -= 1
            return tag
        return tag.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    cleaned = _TAG.sub(escape, msgstr)
    # a bare "<" that did not form a known tag could still combine with later text
    cleaned = re.sub(r"<(?![A-Za-z/!?])", "&lt;", cleaned)
    source_schemes = {m.group(1).lower() for d in _DEST.findall(msgid) if (m := _SCHEME.match(d))}

    def neutralize(match: re.Match[str]) -> str:
        scheme = _SCHEME.match(match.group(1))
        if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES | source_schemes:
            return match.group(0).replace(match.group(1), "#blocked")
        return match.group(0)

    return _DEST.sub(neutralize, cleaned)
