"""The translations a locale's catalogs already hold, offered to messages new to one of them
(what msgmerge's ``--compendium`` does), so that a page renamed, or a text moved to another
page, loses no translation.

In: the locale's catalogs as ``update`` found them (each one's content digest, by its path in
the locale's folder), a function that parses one, and the index a previous run kept. Out:
``Compendium.suggest(msgid)``, the translation ``catalog.merge_catalog`` takes, fuzzy, for a
message the catalog it merges did not have; and ``Compendium.index`` to keep for the next run.

Which translation, when catalogs disagree: an entry that is translated and has no context
(``msgctxt``: a page's messages have none); one not fuzzy before a fuzzy one (a translation
still awaiting review is offered too: a page renamed before its review loses nothing); then a
live one (of a page) before an obsolete one (a text a page no longer has); then the catalog
first by its path. The catalogs are taken
as they were when the run began, whatever it writes meanwhile, so the choice does not depend
on the order of the merges.

The index holds, per catalog, the digest of its bytes and short digests of the msgids it
translates: a lookup parses only the catalogs that may hold the msgid. A catalog the index
does not know with those bytes is parsed once, when the first lookup comes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from .digests import blake2b

if TYPE_CHECKING:
    import polib

Index = dict[str, tuple[str, tuple[str, ...]]]  # catalog path -> (digest of its bytes, msgid digests)


def msgid_digest(msgid: str) -> str:
    return blake2b(msgid.encode("utf-8"), digest_size=8).hexdigest()


def _offers(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) and entry.msgctxt is None


def translated_ids(po: polib.POFile) -> tuple[str, ...]:
    """The digests of the msgids ``po`` has a translation of that it may offer."""
    return tuple(sorted({msgid_digest(entry.msgid) for entry in po if _offers(entry)}))


class Compendium:
    """A locale's catalogs (``digests``: path -> digest of its bytes) as translations to offer;
    ``parse(path)`` gives a catalog as it was found (None: unreadable, it offers nothing);
    ``stored``: the index a previous run kept."""

    def __init__(self, digests: Mapping[str, str], parse: Callable[[str], polib.POFile | None],
                 stored: Mapping[str, tuple[str, Iterable[str]]]) -> None:
        self._digests = dict(sorted(digests.items()))
        self._parse = parse
        self._stored = stored
        self._holding: dict[str, frozenset[str]] | None = None

    def _ids(self) -> dict[str, frozenset[str]]:
        if self._holding is None:
            holding = {}
            for path, content in self._digests.items():
                stored = self._stored.get(path)
                if stored is not None and stored[0] == content:
                    holding[path] = frozenset(stored[1])
                else:
                    po = self._parse(path)
                    holding[path] = frozenset(translated_ids(po)) if po is not None else frozenset()
            self._holding = holding
        return self._holding

    def suggest(self, msgid: str) -> str | None:
        """The translation to offer for ``msgid``, or None: the first not fuzzy, of a page,
        by path (see the module's docstring)."""
        wanted = msgid_digest(msgid)
        best: tuple[tuple[bool, bool], str] | None = None
        for path, ids in self._ids().items():
            if wanted not in ids:
                continue
            po = self._parse(path)
            for entry in po or ():
                if entry.msgid == msgid and _offers(entry):
                    rank = ("fuzzy" in entry.flags, bool(entry.obsolete))
                    if best is None or rank < best[0]:
                        best = (rank, entry.msgstr)
                        if rank == (False, False):
                            return entry.msgstr
        return best[1] if best is not None else None

    def known(self) -> Index:
        """What the index knows of the catalogs as found: the stored entries still true, and
        those this run made."""
        if self._holding is not None:
            return {path: (self._digests[path], tuple(sorted(ids))) for path, ids in self._holding.items()}
        return {path: (stored[0], tuple(stored[1])) for path, stored in self._stored.items()
                if self._digests.get(path) == stored[0]}
