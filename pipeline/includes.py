"""Nested DocFX includes: the one rule by which the build pastes a page's ``[!INCLUDE]``s and
the check finds the ids and links they bring.

In: a page and, for any file, the files its includes resolve to, in the order they are
written (``IncludesOf``). Out: ``refusal`` (why one include is not pasted), ``walk_includes``
(every file a page's build pastes, and the includes it does not paste) and the messages both
report them with. Pure.

The rule (DocFX's, bounded)
    An included file's own includes are pasted too, at every depth, each resolved relative
    to the file that holds it, depth first in the order they are written. An include whose
    file is missing is not pasted (``pipeline check`` reports it, ``link.missing-file``). Nor,
    and each is an error at the include, is
    * an include of a file whose pasting it is part of: the page itself or one of the
      files that include the holder (``a.md`` includes ``b.md``, which includes ``a.md``; or a
      file that includes itself): ``link.include-loop``. DocFX stops there too (its
      "circular reference");
    * an include held by a file ``MAX_DEPTH`` levels below the page (a chain of distinct files
      as deep as Python's stack), or one more than ``MAX_INCLUDES`` pasted into one page (a few
      files that each include the next several times multiply): ``link.include-limit``,
      reported once per include of the page under which it happens, at that include.
    Such an include shows as a link to its file, as a missing one does.
"""

from __future__ import annotations

import posixpath
import re
from collections import namedtuple
from collections.abc import Callable, Sequence

LOOP = "link.include-loop"
LIMIT = "link.include-limit"
MAX_DEPTH = 10  # levels of includes below a page
MAX_INCLUDES = 1000  # includes pasted into one page, all levels together

# a file's includes, in order: the file each resolves to (None: none), or None when the file cannot be read
IncludesOf = Callable[[str], Sequence[str | None] | None]


class Refused(namedtuple("Refused", "reason holder index top target")):
    """An include not pasted: why (``reason``: ``loop``, ``depth`` or ``count``), the file that
    holds it (``holder``), its index among that file's includes, the index of the page's own
    include under which it lies (``top``; ``index`` when ``holder`` is the page), and the file
    it resolves to. A named tuple, as this module's other record is: no ``dataclasses``
    import for a check of one page's links (``links.Site``)."""

    __slots__ = ()
    reason: str
    holder: str
    index: int
    top: int
    target: str

    @property
    def code(self) -> str:
        return LOOP if self.reason == "loop" else LIMIT


class IncludeWalk(namedtuple("IncludeWalk", "pages refused pasted", defaults=((),))):
    """What a page's build pastes: the page, then each file it pastes (or could not read),
    once, in the order first met; the includes it refuses, in the order met; and each file
    pasted, once per paste, depth first (``pasted``: a file pasted twice, or pasted by two
    files the page pastes, shows twice, as readers see it; what the page's coverage counts:
    ``units.Workshop.page_stats``)."""

    __slots__ = ()
    pages: tuple[str, ...]
    refused: tuple[Refused, ...]
    pasted: tuple[str, ...]


# an include's destination as written between its parentheses: the file, bare or in angle
# brackets, then maybe a title in quotes or parentheses (CommonMark's link destination and title,
# as ``linkscan`` reads them; DocFX's ``ExtensionsHelper.MatchPath`` takes the same file)
_DESTINATION = re.compile(r"""[ \t]*(?:<(?P<angled>[^<>\r\n]*)>|(?P<bare>[^\s<>]*))"""
                          r"""(?:[ \t]+(?:"[^"\r\n]*"|'[^'\r\n]*'|\([^()\r\n]*\)))?[ \t]*""")


def include_destination(written: str) -> str:
    """The file part of an include's destination as written: ``<b.md>`` and ``b.md "title"``
    are ``b.md``, as DocFX pastes them and ``pipeline check`` reads them; a destination
    already read so (``linkscan``'s target) is itself."""
    found = _DESTINATION.fullmatch(written)
    if found is None:
        return written
    return found.group("angled") if found.group("angled") is not None else found.group("bare")


def include_target(holder: str, written: str) -> str | None:
    """The source file an include written ``written`` in the file ``holder`` pastes, as the
    build resolves it: its file (``include_destination``: angle brackets and a title
    dropped), relative to the holder's folder, ``\\`` as ``/``, exactly as written
    (no letter case ignored, no extension added, no ``~/``, site map or redirect: those are
    a link's ways, and the build leaves such an include as a link); None outside the source
    folder (as DocFX, which includes only from its docset)."""
    file = include_destination(written).replace("\\", "/")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(holder), file))
    return None if resolved == ".." or resolved.startswith(("../", "/")) else resolved


def refusal(chain: Sequence[str], target: str, pasted: int) -> str | None:
    """Why the include of ``target`` held by the last file of ``chain`` (the page, then each
    file pasted into the one before it) is not pasted, when ``pasted`` includes were pasted
    into the page before it: ``loop``, ``depth`` or ``count``; None: it is pasted."""
    if target in chain:
        return "loop"
    if len(chain) > MAX_DEPTH:
        return "depth"
    if pasted >= MAX_INCLUDES:
        return "count"
    return None


def walk_includes(page: str, includes_of: IncludesOf) -> IncludeWalk:
    """The files pasted into ``page`` and the includes refused, by ``refusal`` in the build's
    order (``units.Workshop.include_resolver`` pastes the same ones)."""
    pages: dict[str, None] = {page: None}
    refused: list[Refused] = []
    pastes: list[str] = []
    pasted = 0

    def visit(chain: tuple[str, ...], top: int | None) -> None:
        nonlocal pasted
        for index, target in enumerate(includes_of(chain[-1]) or ()):
            if target is None:
                continue
            if includes_of(target) is None:  # cannot be read: not pasted (the build leaves it a link)
                pages.setdefault(target)
                continue
            branch = index if top is None else top
            reason = refusal(chain, target, pasted)
            if reason is not None:
                refused.append(Refused(reason, chain[-1], index, branch, target))
                continue
            pages.setdefault(target)
            pastes.append(target)
            pasted += 1
            visit((*chain, target), branch)

    visit((page,), None)
    return IncludeWalk(tuple(pages), tuple(refused), tuple(pastes))


def refusal_message(reason: str, written: str, holder: str, target: str) -> str:
    """The message of an include written ``written`` in ``holder`` and resolving to
    ``target`` (source-relative paths) that is not pasted for ``reason``. A loop is reported
    at the include, a limit at the page's include under which it lies."""
    if reason == "loop":
        what = "is this file itself" if target == holder else "includes this file again"
        return f"include loop: '{written}' {what}; it is left as a link"
    if reason == "depth":
        return (f"include not inlined: '{written}' in '{holder}' lies more than {MAX_DEPTH} levels of includes "
                "below this page; it is left as a link")
    return (f"include not inlined: '{written}' in '{holder}' would be include {MAX_INCLUDES + 1} pasted into this "
            "page; it is left as a link")


def include_links(text: str) -> tuple[tuple[str, int, int], ...]:
    """The includes of a file's ``text`` as ``pipeline check`` finds them (``linkscan``):
    target as written, line, and column of the inner ``[``."""
    from .linkscan import scan_text

    return tuple((link.target, link.line, link.column) for link in scan_text(text).links if link.kind == "include")


def include_position(links: Sequence[tuple[str, int, int]], written: str, occurrence: int) -> tuple[int, int]:
    """The line and column of the ``occurrence``-th (0-based) include written ``written``
    among a file's ``include_links``; the file's start when the scanner saw no such include."""
    found = [(line, column) for target, line, column in links if target == written]
    return found[occurrence] if occurrence < len(found) else (1, 1)
