"""Which files hold a link whose built form depends on which pages exist (pure).

In: a file's bytes (a source page, or one of its PO files), the page it belongs to and the
source's pages. Out: whether it holds a link that ``linkmap`` writes after the page list: a
site-root or ``~/`` link (it takes the letter case of the page found, or stays as written
when none is), or a relative page link to no page of the list in that letter case (the same,
and a link to a ``.md`` file that is no page keeps its ``.md``). ``build.unit_fingerprint``
makes the units whose page, includes or PO files hold one depend on the page list, and no
others: adding a page rebuilds those only.

The patterns match more than links (a miss would leave a stale page, a match that is no
link costs a rebuild only). A PO file is read as its translations' text
(``catalog_translations``): its ``msgid`` strings are its page's text, and a link split over
a string's continuation lines (GNU wraps after ``/`` and ``-``) is whole again.
"""

from __future__ import annotations

import posixpath
import re

from .includes import include_target
from .project import has_page, page_stem

# A link whose target starts at the site root (``/intune/x``, ``~/x``, ``\x``): in Markdown,
# a reference definition or an HTML attribute.
_SITE_ROOT_LINK = re.compile(rb"""(?:\]\(\s*<?|\]:[ \t]*<?|(?:href|src)\s*=\s*["']?)\s*~?[/\\](?![/\\])""")
_LINK_START = re.compile(rb"\]\(|\]:|href|src")  # where one may start: a literal scan, twice as fast


def has_site_root_link(data: bytes) -> bool:
    return any(_SITE_ROOT_LINK.match(data, found.start()) for found in _LINK_START.finditer(data))


# A relative link's destination: inline, a reference definition, an HTML attribute (what
# ``render`` maps). Extension-less or ``.md``: a page.
_RELATIVE_DESTINATION = re.compile(
    rb"""(?:\]\(\s*<?|^[ \t]*\[[^\]\n]+\]:[ \t]*<?|href\s*=\s*["']?)(?![a-zA-Z][\w+.-]*:|[/\\#~])([^\s)>"'#?]+)""",
    re.MULTILINE)


def has_inexact_page_link(data: bytes, page: str, all_pages: frozenset[str],
                          md_files: frozenset[str] = frozenset()) -> bool:
    """Whether ``page`` links to a page that is not in ``all_pages`` (the published pages:
    ``published``) in that letter case: its built link then depends on which pages exist
    (``render`` writes the page's real case), and on which ``.md`` files that are no published
    pages do. A ``.MD`` link is never exact: a file of that very name, no page, would win over
    the page ``.md``. An ``[!INCLUDE]`` of a file of ``md_files`` (every ``.md`` file of the
    source, in its letter case) is no link: it pastes the file; one of no such file is left
    as a link (``render.inline_includes``), whose built form depends on the page list too."""
    if not all_pages:
        return False
    folder = posixpath.dirname(page)
    for match in _RELATIVE_DESTINATION.finditer(data):
        path = match.group(1).decode("utf-8", "replace").replace("\\", "/")
        suffix = posixpath.splitext(path)[1]
        if suffix.lower() in ("", ".md") and not path.endswith("/") and \
                (suffix not in ("", ".md") or not has_page(page_stem(folder, path), all_pages)) and \
                not (_INCLUDE_BEFORE.search(data, max(0, match.start() - 300), match.start() + 2)
                     and include_target(page, path) in md_files):
            return True
    return False


# The start of an ``[!INCLUDE[...](`` up to its ``](``: it pastes the file, which is no link
# (the included file's own digest is in the fingerprint, a missing one too), so an include
# of a fragment that is no published page does not make the page depend on the page list.
_INCLUDE_BEFORE = re.compile(rb"\[!include[ \t]*\[[^\]\n]*\]\($", re.IGNORECASE)


def depends_on_page_list(data: bytes, page: str, all_pages: frozenset[str],
                         md_files: frozenset[str] = frozenset()) -> bool:
    """Whether the text ``data`` of ``page`` (its source, or its translations:
    ``catalog_translations``) holds a link whose built form depends on the page list
    (``md_files``: every ``.md`` file of the source, for ``has_inexact_page_link``)."""
    return has_site_root_link(data) or has_inexact_page_link(data, page, all_pages, md_files)


# A ``msgstr`` (or ``msgstr[N]``) line and its continuation lines; not an obsolete entry's
# (``#~``), which no page shows.
_MSGSTR = re.compile(rb'^msgstr(?:\[[0-9]+\])?[ \t]*"(.*)"[ \t]*\r?$((?:\n[ \t]*".*"[ \t]*\r?$)*)', re.MULTILINE)
_CONTINUATION = re.compile(rb'^[ \t]*"(.*)"[ \t]*\r?$', re.MULTILINE)
_PO_ESCAPE = re.compile(rb'\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))')
_PO_ESCAPED = {b"n": b"\n", b"t": b"\t", b"r": b"\r"}


def _unescaped(found: re.Match[bytes]) -> bytes:
    octal, hexadecimal, char = found.groups()
    if char is not None:
        return _PO_ESCAPED.get(char, char)  # \" \\ and the rest: the character itself
    return bytes([int(octal, 8) & 0xFF if octal else int(hexadecimal, 16) & 0xFF])


def catalog_translations(data: bytes) -> bytes:
    """The translations of a PO file's bytes, one a line: each ``msgstr``'s strings joined
    and unescaped (fuzzy ones too: a match costs a rebuild only). Not the messages, which are
    the page's text, nor anything else of the file."""
    if b"msgstr" not in data:
        return b""
    texts = []
    for found in _MSGSTR.finditer(data):
        text = found.group(1)
        if found.group(2):
            text += b"".join(_CONTINUATION.findall(found.group(2)))
        texts.append(_PO_ESCAPE.sub(_unescaped, text) if b"\\" in text else text)
    return b"\n".join(texts)
