"""Which files hold a link whose built form depends on which pages exist (pure).

In: a file's bytes (a source page, or one of its PO files), the page it belongs to and the
source's pages. Out: whether it holds a link that ``linkmap`` writes after the page list: a
site-root or ``~/`` link (it takes the letter case of the page found, or stays as written
when none is), or a relative page link to no page of the list in that letter case (the same,
and a link to a ``.md`` file that is no page keeps its ``.md``). ``build.unit_fingerprint``
makes the units whose page or includes hold one depend on the page list, and no others:
adding a page rebuilds those only.

The patterns match more than links (a miss would leave a stale page, a match that is no
link costs a rebuild only).
"""

from __future__ import annotations

import posixpath
import re

from .project import has_page, page_stem

# A link whose target starts at the site root (``/intune/x``, ``~/x``, ``\x``): in Markdown,
# a reference definition or an HTML attribute. Only source pages count: QA sets aside a
# translation that adds or changes a link target, unless the translator accepts its
# qa.link-target (a page whose accepted translation adds the page's only site-root link is
# not rebuilt when the page list changes: a known gap).
_SITE_ROOT_LINK = re.compile(rb"""(?:\]\(\s*<?|\]:[ \t]*<?|(?:href|src)\s*=\s*["']?)\s*~?[/\\](?![/\\])""")
_LINK_START = re.compile(rb"\]\(|\]:|href|src")  # where one may start: a literal scan, twice as fast


def has_site_root_link(data: bytes) -> bool:
    return any(_SITE_ROOT_LINK.match(data, found.start()) for found in _LINK_START.finditer(data))


# A relative link's destination: inline, a reference definition, an HTML attribute (what
# ``render`` maps). Extension-less or ``.md``: a page.
_RELATIVE_DESTINATION = re.compile(
    rb"""(?:\]\(\s*<?|^[ \t]*\[[^\]\n]+\]:[ \t]*<?|href\s*=\s*["']?)(?![a-zA-Z][\w+.-]*:|[/\\#~])([^\s)>"'#?]+)""",
    re.MULTILINE)


def has_inexact_page_link(data: bytes, page: str, all_pages: frozenset[str]) -> bool:
    """Whether ``page`` links to a page that is not in ``all_pages`` in that letter case: its
    built link then depends on which pages exist (``render`` writes the page's real case),
    and on which ``.md`` files that are no pages do. A ``.MD`` link is never exact: a file
    of that very name, no page, would win over the page ``.md``."""
    if not all_pages:
        return False
    folder = posixpath.dirname(page)
    for match in _RELATIVE_DESTINATION.finditer(data):
        path = match.group(1).decode("utf-8", "replace").replace("\\", "/")
        suffix = posixpath.splitext(path)[1]
        if suffix.lower() in ("", ".md") and not path.endswith("/") and \
                (suffix not in ("", ".md") or not has_page(page_stem(folder, path), all_pages)):
            return True
    return False
