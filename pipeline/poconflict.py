"""A PO file a git merge left with conflicts in generated header fields only, resolved.

Two branches that each changed a page both regenerate its template and merge it into every
catalog: the catalogs' ``POT-Creation-Date`` lines then differ (each branch's run, another
minute), and git stops on every locale's catalog of the page, though the translations merge
cleanly. ``update`` takes the template's date anyway, so such a conflict holds nothing to
decide: ``resolve_generated_header`` keeps one side of it, and ``update`` merges the file as
usual. Any other conflict (in a translation, a comment, a translator's header field) is left
for a person: the file stays a located ``po.syntax`` error, never rewritten.

In: PO text. Out: the text without the conflict, or None. Pure.
"""

from __future__ import annotations

import re

# fields ``update`` writes from the template whatever the catalog says (``catalog.merge_catalog``)
GENERATED_FIELDS = ("POT-Creation-Date", "X-Pipeline-Template", "X-Pipeline-Source")
_FIELD = re.compile(r'"([A-Za-z-]+): [^"\\]*\\n"[ \t]*')
_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")


def resolve_generated_header(text: str) -> str | None:
    """``text`` with each conflict (git's ``<<<<<<<``, optional ``|||||||``, ``=======``,
    ``>>>>>>>`` lines) replaced by its first side, if every conflict lies in the header entry
    (before the file's first blank line) and each of its sides holds only lines of
    ``GENERATED_FIELDS``; else None."""
    lines = text.splitlines(keepends=True)
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    kept: list[str] = []
    side = None  # None outside a conflict; else the section: 0 ours, 1 base, 2 theirs
    found = False
    for number, line in enumerate(lines):
        marker = next((m for m in _MARKERS if line.startswith(m)), None)
        if marker is not None:
            expected = {"<<<<<<<": side is None, "|||||||": side == 0, "=======": side in (0, 1),
                        ">>>>>>>": side == 2}[marker]
            if not expected or number >= header_end:
                return None
            side = {"<<<<<<<": 0, "|||||||": 1, "=======": 2, ">>>>>>>": None}[marker]
            found = True
            continue
        if side is not None:
            field = _FIELD.fullmatch(line.rstrip("\r\n"))
            if field is None or field.group(1) not in GENERATED_FIELDS or number >= header_end:
                return None
            if side != 0:
                continue
        kept.append(line)
    if side is not None or not found:
        return None
    return "".join(kept)
