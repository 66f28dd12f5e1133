"""Link checking: pages' links and anchors -> diagnostics (``path:line:col: severity: message [code]``).

In: page texts (via ``pipeline.linkscan.scan_text``), the list of files of the site, a site map
(URL prefix -> source folder) and DocFX redirects. Out: ``Diagnostic`` records, plus one
``LinkResult`` per link for reports. Everything is pure except ``check_site``/``scan_site``
and ``load_redirects``, the thin edges that read files; per-page scans depend only on the
page text, so a caller may cache them by content hash (``scan_site`` takes a ``scans`` map).

How a target is judged (diagnostic codes in brackets)
    * ``http(s):``, ``mailto:`` and any other scheme, and ``//host`` URLs: external, never
      fetched, never reported.
    * Relative paths resolve against the page's folder; ``~/x`` against the nearest folder
      (the page's or an ancestor, within the checked root) that holds a ``docfx.json``; a path
      that exists as written wins, else ``path + ".md"`` when that is a page (DocFX:
      extension-less targets are pages -- tried second because ``...-8.0-management`` has a
      dot but no extension; a published page, ``published_page``: a page as ``files.is_page``
      says, so not ``.github/x.md``, which is a file, and none of ``Site.unpublished``, such
      as an include fragment a docfx.json leaves out, which has no URL). Query strings are
      ignored and ``%xx`` is decoded.
    * Site-root ``/a/b`` paths go through the site map: the longest prefix that matches whole
      path segments, case-insensitively (the published site's URLs are), gives the folder; the
      rest is resolved like a relative path from that folder. A root path no prefix matches
      belongs to another site: result status ``external-site``, no diagnostic.
    * ``\\`` separators are resolved as ``/`` (Windows does that) with a warning
      [link.windows-separator]; a target that exists only when letter case is ignored resolves
      with a warning [link.case-mismatch] (the site serves it, a case-sensitive checkout does not).
    * A relative path that misses in the source tree but resolves as a *published URL* (the
      page's URL, from the site map, joined with the path, then mapped back) is served by the
      site: warning [link.url-only] with the path to write instead (``../deploy-use/x`` from
      ``GetStarted/``, where the folder is ``DeployUse``).
    * A missing page named in the redirects (DocFX ``.openpublishing.redirection.json``,
      ``source_path`` relative to the checked root) resolves with a warning [link.redirected]
      naming the new URL; if that URL is itself under the site map and missing, it is an error.
    * Otherwise: error ``broken link 'target': no such file`` [link.missing-file] with a
      "did you mean" hint (difflib) when an existing target is close.

How a ``#fragment`` is judged (only for targets that are published pages: not
``.github/x.md`` nor ``x.MD``, nor a page ``Site.unpublished`` names, files that the built
HTML serves as they are, without ids)
    The page's ids are its headings' slugs under the canonical rule (``slugs.slug_github``,
    markdig's GitHub rule, de-duplicated ``-1``, ``-2``), its explicit ``<a name>``/``id=``
    anchors, the ids the built HTML gives its headings written in HTML (``<h5>Tip</h5>``:
    ``linkscan.html_headings``, which their translations keep too), and the ids of the files its build pastes (its ``[!INCLUDE]``s at every depth:
    ``pipeline.includes``, ``Anchors.walk``). A fragment equal to one of them is
    fine. A fragment -- same-page ``#x`` or ``page.md#x`` alike -- that equals a heading's slug
    only under DocFX's mid-2016 rule (``slugs.slug_docfx_2016``: ``windows-phone-8-1`` for
    "Windows Phone 8.1", GitHub: ``windows-phone-81``) is a *warning* [link.anchor-slug]
    naming the canonical id: it worked on the site as published, it breaks wherever headings
    get GitHub-style ids, so the author should update it but nothing is lost yet. A fragment
    that differs from an id only in letter case (``#Wipe`` for ``wipe``) is a warning
    [link.case-mismatch]: browsers compare ids exactly, so the page opens without scrolling,
    but the target is unambiguous and the fix mechanical (the independent corpus scan did not
    count these as missing either). ``#top`` (any letter case) with no such id is the top of
    the page, as the HTML standard says. Anything else is an error [link.missing-anchor] with a
    "did you mean" hint.

Includes the build does not paste (``pipeline.includes``; ``include_problems``)
    An include of a file whose pasting pastes the page again is an error [link.include-loop]
    at it; an include past the depth or count limit, one error [link.include-limit] at the
    page's include under which it lies. The build reports the same lines.

Positions are those of ``pipeline.linkscan`` (1-based line; column of the link's ``[``).
"""

from __future__ import annotations

import collections
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from collections import namedtuple
from functools import cached_property

from pipeline.files import is_page, list_files
from pipeline.includes import (LIMIT as INCLUDE_LIMIT, LOOP as INCLUDE_LOOP, IncludeWalk, include_target, refusal_message,
                               walk_includes)
from pipeline.linkscan import Link, PageScan, scan_text
from pipeline.diagnostics import Diagnostic, Location
from pipeline.slugs import slug_docfx_2016, slug_github, unique_slugs

MISSING_FILE = "link.missing-file"
MISSING_ANCHOR = "link.missing-anchor"
MALFORMED = "link.malformed"
WINDOWS_SEPARATOR = "link.windows-separator"
CASE_MISMATCH = "link.case-mismatch"
REDIRECTED = "link.redirected"
ANCHOR_SLUG = "link.anchor-slug"
URL_ONLY = "link.url-only"

REDIRECTION_FILE = ".openpublishing.redirection.json"

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PAGE_SUFFIX = ".md"


class Site:
    """What resolution needs to know about the checked tree (all paths POSIX, root-relative).

    ``site_map`` holds ``(lower-case URL prefix without trailing '/', folder)`` pairs, longest
    first; ``redirects`` maps lower-case source paths to redirect URLs; ``unpublished`` the
    pages that are no published page (``published``): files to a link, as the build links them.
    Not changed once made. A plain class, as are this module's records (named tuples): with
    no ``dataclasses`` (and the ``inspect`` it imports, 8 ms), a check that resolves one
    page's links (``checkrelink``) starts sooner.
    """

    def __init__(self, files: frozenset[str], by_lower: Mapping[str, str], docfx_dirs: frozenset[str] = frozenset(),
                 site_map: tuple[tuple[str, str], ...] = (), redirects: Mapping[str, str] | None = None,
                 unpublished: frozenset[str] = frozenset()) -> None:
        self.files = files
        self.by_lower = by_lower
        self.docfx_dirs = docfx_dirs
        self.site_map = site_map
        self.redirects = {} if redirects is None else redirects
        self.unpublished = unpublished

    def _key(self) -> tuple:
        return self.files, self.docfx_dirs, self.site_map, self.unpublished  # by_lower and redirects follow

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    @cached_property
    def folders(self) -> dict[str, dict[str, str]]:
        """Folder -> {lower-case file name: file}; of names equal but for case, the first in
        sort order. Built on the first "did you mean" hint, for all folders at once."""
        index: dict[str, dict[str, str]] = {}
        for path in sorted(self.files, reverse=True):
            folder, name = _split(path)
            index.setdefault(folder, {})[name.lower()] = path
        return index

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Lower-case file name -> the files of that name in any folder (for hints)."""
        index: dict[str, list[str]] = {}
        for path in self.files:
            index.setdefault(path[path.rfind("/") + 1:].lower(), []).append(path)  # posixpath.basename
        return index

    @cached_property
    def resolutions(self) -> dict[tuple[str, str], Resolution]:
        """``resolve_link``'s memo: (page folder, target) -> resolution."""
        return {}

    @cached_property
    def reads(self) -> SiteReads:
        """What resolutions read of the file list, for a caller that keeps results across
        runs (``SiteReads``)."""
        return SiteReads()


def _split(path: str) -> tuple[str, str]:
    """``posixpath.split(path)``, quicker for the usual path (no ``//``, no leading ``/``)."""
    folder, _, name = path.rpartition("/")
    return posixpath.split(path) if folder.endswith("/") or path.startswith("/") else (folder, name)


class SiteReads:
    """The questions resolution asked the file list, with their answers (``Read``): per
    ``resolve_link`` memo entry, and gathered for whoever set ``collect`` (a list) while its
    links were resolved. A result that depends on the file list only through these still
    holds in another file list that answers them the same (``reads_hold``): a page added
    elsewhere does not change it."""

    def __init__(self) -> None:
        self.of: dict[tuple[str, str], tuple[Read, ...]] = {}
        self.recording: list[Read] | None = None
        self.collect: list[Read] | None = None
        self.answers: dict[tuple[str, tuple[str, ...]], object] = {}  # reads_hold's memo


Read = tuple[str, tuple[str, ...], object]  # question (a function below), its arguments, the answer


class Resolution(namedtuple("Resolution", "status path fragment notes hint", defaults=("", "", (), ""))):
    """Where a link target leads.

    ``status``: ``ok`` (``path`` exists), ``external`` (another scheme/host: not checked),
    ``external-site`` (site-root path outside the site map), ``missing`` (``path`` is what was
    looked for). ``notes`` are ``(code, message)`` warnings to report even when ``ok``.
    """

    __slots__ = ()
    status: str
    path: str
    fragment: str
    notes: tuple[tuple[str, str], ...]
    hint: str


class PageAnchors(namedtuple("PageAnchors", "ids legacy", defaults=(MappingProxyType({}),))):
    """The ids a page offers to fragments, and its DocFX-2016 heading slugs -> canonical id.
    Equal (and hashed) by its ids alone."""

    __slots__ = ()
    ids: frozenset[str]
    legacy: Mapping[str, str]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PageAnchors) and self.ids == other.ids

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.ids)


class LinkResult(namedtuple("LinkResult", "page link resolution")):
    """One checked link: the page it is on, the link, and where it leads."""

    __slots__ = ()
    page: str
    link: Link
    resolution: Resolution


class SiteReport(namedtuple("SiteReport", "diagnostics results")):
    """All diagnostics of a site check, and every link with its resolution."""

    __slots__ = ()
    diagnostics: tuple[Diagnostic, ...]
    results: tuple[LinkResult, ...]


# --- configuration -----------------------------------------------------------------------


def parse_site_map(entries: Iterable[str] | Mapping[str, str]) -> dict[str, str]:
    """``["/intune/deploy-use=InTuneDocs/DeployUse", ...]`` (or a mapping) -> ``{prefix: folder}``."""
    pairs = entries.items() if isinstance(entries, Mapping) else (e.split("=", 1) for e in entries)
    result = {}
    for prefix, folder in pairs:
        result["/" + prefix.strip().strip("/")] = folder.strip().strip("/")
    return result


def parse_redirects(text: str) -> dict[str, str]:
    """DocFX ``.openpublishing.redirection.json`` text -> ``{source_path: redirect_url}``.

    Accepts the real shape ``{"redirections": [{"source_path", "redirect_url"}, ...]}`` and a
    bare list of such objects.
    """
    data = json.loads(text)
    entries = data.get("redirections", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError("'redirections' is not a list")
    found = {}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ValueError(f"entry {number} is not an object")
        if "source_path" in entry and "redirect_url" in entry:
            if not isinstance(entry["source_path"], str) or not isinstance(entry["redirect_url"], str):
                raise ValueError(f"entry {number}: 'source_path' and 'redirect_url' must be strings")
            found[entry["source_path"]] = entry["redirect_url"]
    return found


def load_redirects(path: Path) -> dict[str, str]:
    """Read a redirection file (edge)."""
    return parse_redirects(path.read_text(encoding="utf-8-sig"))


def build_site(files: Iterable[str], site_map: Mapping[str, str] | None = None,
               redirects: Mapping[str, str] | None = None, unpublished: Iterable[str] = ()) -> Site:
    """A ``Site`` from root-relative file paths (POSIX), a site map, redirects and the pages
    that are not published (``Site.unpublished``)."""
    file_set = frozenset(files)
    by_lower: dict[str, str] = {}
    for path in sorted(file_set):
        by_lower.setdefault(path.lower(), path)
    docfx_dirs = frozenset(posixpath.dirname(f) for f in file_set if f == "docfx.json" or f.endswith("/docfx.json"))
    prefixes = sorted(((p.lower().rstrip("/"), folder.strip("/")) for p, folder in (site_map or {}).items()),
                      key=lambda pair: -len(pair[0]))
    redirect_map = {_norm(src).lower(): url for src, url in (redirects or {}).items()}
    return Site(file_set, by_lower, docfx_dirs, tuple(prefixes), redirect_map, frozenset(unpublished))


# --- resolution (pure) -------------------------------------------------------------------


def published_page(path: str, site: Site) -> bool:
    """Whether ``path`` is a page the site publishes (its HTML is built), the build's rule:
    ``files.is_page`` and not one of ``site.unpublished``."""
    return is_page(path) and path not in site.unpublished


def _norm(path: str) -> str:
    path = path.replace("\\", "/").lstrip("/")
    return posixpath.normpath(path) if path else ""


def _docfx_root(page: str, site: Site) -> str:
    """The nearest folder at or above the page's that holds a docfx.json ("" for the root)."""
    root = _docfx_root_in(page, site)
    _record("docfx", (page,), root, site)
    return root


def _docfx_root_in(page: str, site: Site) -> str:
    folder = posixpath.dirname(page)
    while True:
        if folder in site.docfx_dirs or not folder:
            return folder
        parent = posixpath.dirname(folder)
        if parent == folder:  # "/" (a page path given as absolute): the top, none found
            return ""
        folder = parent


def _match_prefix(path: str, site: Site) -> tuple[str, str] | None:
    """(folder, rest) for a site-root path, by the longest whole-segment prefix, any case."""
    lower = path.lower().rstrip("/")
    for prefix, folder in site.site_map:
        if lower == prefix or lower.startswith(prefix + "/") or prefix == "":
            return folder, path[len(prefix):].lstrip("/")
    return None


def _lookup(candidate: str, site: Site) -> tuple[str, bool] | None:
    """(existing path, exact case?) for ``candidate``, or ``candidate.md`` when that is a page
    (an extension-less target names a published page: ``published_page``, the build's rule)."""
    found = _lookup_in(candidate, site)
    _record("lookup", (candidate,), found, site)
    return found


def _lookup_in(candidate: str, site: Site) -> tuple[str, bool] | None:
    tries = [candidate] if candidate.lower().endswith(_PAGE_SUFFIX) else [candidate, candidate + _PAGE_SUFFIX]
    for path in tries:
        if path in site.files and (path == candidate or published_page(path, site)):
            return path, True
    for path in tries:
        found = site.by_lower.get(path.lower())
        if found is not None and (path == candidate or published_page(found, site)):
            return found, False
    return None


def _folder_url(folder: str, site: Site) -> str | None:
    """The URL of a source folder through the site map (longest folder match), or None."""
    best: tuple[int, str] | None = None
    for prefix, mapped in site.site_map:
        if folder == mapped or folder.startswith(mapped + "/") or mapped == "":
            if best is None or len(mapped) > best[0]:
                rest = folder[len(mapped):].lstrip("/")
                best = (len(mapped), prefix + ("/" + rest if rest else ""))
    return None if best is None else best[1]


def _as_written(found: str, page: str, style: str, site: Site, had_suffix: bool) -> str:
    """How a link from ``page`` to ``found`` is written in ``style`` (relative, root or ~)."""
    shown = ""
    if style == "root":
        folder_url = _folder_url(posixpath.dirname(found), site)
        if folder_url is not None:
            shown = folder_url + "/" + posixpath.basename(found)
    elif style == "~":
        shown = "~/" + posixpath.relpath(found, _docfx_root(page, site) or ".")
    if not shown:
        shown = posixpath.relpath(found, posixpath.dirname(page) or ".")
    if not had_suffix and shown.lower().endswith(_PAGE_SUFFIX) and published_page(found, site):  # a file keeps its name
        shown = shown[: -len(_PAGE_SUFFIX)]
    return shown


def _suggest(wanted: str, page: str, style: str, site: Site, had_suffix: bool) -> str:
    """The closest existing target to ``wanted`` (root-relative), written like the link, or ''."""
    hint = _suggest_in(wanted, page, style, "1" if had_suffix else "", site)
    _record("suggest", (wanted, page, style, "1" if had_suffix else ""), hint, site)
    return hint


def _suggest_in(wanted: str, page: str, style: str, had_suffix: str, site: Site) -> str:
    if not had_suffix and not wanted.lower().endswith(_PAGE_SUFFIX):
        wanted += _PAGE_SUFFIX
    folder, name = posixpath.split(wanted)
    siblings = site.folders.get(folder, {})
    import difflib  # a hint's: a check of a page without a broken link need not import it

    close = difflib.get_close_matches(name.lower(), sorted(siblings), n=1, cutoff=0.75)
    if close:
        found = siblings[close[0]]
    else:
        same_name = site.by_name.get(name.lower(), [])
        if not same_name:
            return ""
        found = max(sorted(same_name), key=lambda f: difflib.SequenceMatcher(None, f.lower(), wanted.lower()).ratio())
    return _as_written(found, page, style, site, had_suffix)


def _unquote(text: str) -> str:
    """``urllib.parse.unquote``, which returns a text without ``%`` as it is: imported only for
    one with (2.5 ms that a check of one page's links, ``checkrelink``, need not pay)."""
    if "%" not in text:
        return text
    from urllib.parse import unquote

    return unquote(text)


def _split_target(target: str) -> tuple[str, str]:
    """(path part without query, decoded fragment) of a link target."""
    raw_path, _, fragment = target.partition("#")
    return raw_path.split("?", 1)[0], _unquote(fragment)


def _resolve_url(url: str, site: Site) -> tuple[str, str, tuple[str, bool] | None] | None:
    """Resolve a site-root URL path: (folder, rest, lookup result), None if outside the map."""
    matched = _match_prefix(url, site)
    if matched is None:
        return None
    folder, rest = matched
    joined = posixpath.normpath(posixpath.join(folder, rest)) if rest else folder
    if joined == ".." or joined.startswith("../"):
        return folder, rest, None
    return folder, rest, _lookup(joined, site)


def resolve_link(page: str, target: str, site: Site) -> Resolution:
    """Resolve ``target`` written on ``page`` (root-relative POSIX path) against ``site``.

    Pure: ``site`` holds the file list. See the module docstring for the rules and notes.
    Results are memoized in ``site`` by the page's folder and the target (half the links of
    a site repeat one from the same folder): only a target without a path, which is the
    page itself, depends on more of the page than its folder.
    """
    stripped = target.strip()
    if not stripped or stripped[0] in "#?":
        return Resolution("ok", page, _split_target(stripped)[1])
    key = (page[:page.rfind("/") + 1], target)  # what posixpath.dirname(page) is made from
    resolved = site.resolutions.get(key)
    reads = site.reads
    if resolved is None:
        reads.recording = recorded = []
        try:
            resolved = site.resolutions[key] = _resolve(page, target, site)
        finally:
            reads.recording = None
        reads.of[key] = tuple(recorded)
    if reads.collect is not None:
        reads.collect.extend(reads.of[key])
    return resolved


def reads_hold(reads: Iterable[Read], site: Site) -> bool:
    """Whether ``site``'s file list answers each question as recorded (``SiteReads``)."""
    answers = site.reads.answers
    for question, args, answer in reads:
        key = (question, tuple(args))
        if key not in answers:
            ask = _QUESTIONS.get(question)
            answers[key] = None if ask is None else _plain(ask(*args, site))
            if ask is None:
                return False
        if answers[key] != _plain(answer):
            return False
    return True


def has_file(path: str, site: Site) -> bool:
    """Whether ``path`` is in the file list: a question recorded like resolution's."""
    found = _has_file_in(path, site)
    _record("has", (path,), found, site)
    return found


def _has_file_in(path: str, site: Site) -> bool:
    return path in site.files


def encode_read(read: Read) -> list:
    """A read as JSON data, as ``reads_hold`` takes it back."""
    question, args, answer = read
    return [question, list(args), _plain(answer)]


def _plain(answer: object) -> object:
    """An answer as JSON gives it back (tuples as lists)."""
    return list(answer) if isinstance(answer, tuple) else answer


def _record(question: str, args: tuple[str, ...], answer: object, site: Site) -> None:
    reads = site.reads
    if reads.recording is not None:  # resolving a link: kept with its memo entry
        reads.recording.append((question, args, answer))
    elif reads.collect is not None:
        reads.collect.append((question, args, answer))


def _resolve(page: str, target: str, site: Site) -> Resolution:
    """``resolve_link`` without the memo."""
    target = target.strip()
    if _SCHEME.match(target) or target.startswith("//"):
        return Resolution("external")
    raw_path, fragment = _split_target(target)
    if not raw_path:
        return Resolution("ok", page, fragment)
    path = _unquote(raw_path).replace("\\", "/")
    notes: list[tuple[str, str]] = []
    if "\\" in raw_path:
        notes.append((WINDOWS_SEPARATOR, f"link '{target}' uses '\\' separators: it resolves only where the "
                                         f"platform accepts them; write '{raw_path.replace(chr(92), '/')}'"))
    if path.startswith("/"):
        style, url_resolved = "root", _resolve_url(path, site)
        if url_resolved is None:
            return Resolution("external-site", path, fragment)
        base, rest, found = url_resolved
        joined = posixpath.normpath(posixpath.join(base, rest)) if rest else base
    else:
        if path.startswith("~/"):
            style, base, rest = "~", _docfx_root(page, site), path[2:]
        else:
            style, base, rest = "relative", posixpath.dirname(page), path
        looked_up = posixpath.normpath(posixpath.join(base, rest))
        # above the root only what the site lists there: an output tree's view of the source
        # locale's pages that its links fall back to (``checkoutputs.OutputCheck.fallback_files``)
        found = None if looked_up == ".." else _lookup(looked_up, site)
        joined = looked_up if rest else base
    had_suffix = bool(posixpath.splitext(posixpath.basename(rest))[1])
    if found is None:
        redirect = site.redirects.get(joined.lower()) or site.redirects.get((joined + _PAGE_SUFFIX).lower())
        if redirect is not None:
            return _follow_redirect(target, redirect, fragment, site, tuple(notes))
    if found is None and style == "relative":
        page_url = _folder_url(posixpath.dirname(page), site)
        if page_url is not None:
            url_resolved = _resolve_url(posixpath.normpath(posixpath.join(page_url, path)), site)
            if url_resolved is not None and url_resolved[2] is not None:
                found = url_resolved[2]
                better = _as_written(found[0], page, "relative", site, had_suffix)
                notes.append((URL_ONLY, f"link '{target}' resolves only as a published URL, through the site "
                                        f"map, to '{found[0]}'; in the sources write '{better}'"))
                found = (found[0], True)
    if found is None:
        return Resolution("missing", joined, fragment, (), _suggest(joined, page, style, site, had_suffix))
    actual, exact = found
    if not exact:
        notes.append((CASE_MISMATCH, f"link '{target}' matches '{actual}' only when letter case is ignored"))
    return Resolution("ok", actual, fragment, tuple(notes))


def _follow_redirect(target: str, redirect: str, fragment: str, site: Site,
                     notes: tuple[tuple[str, str], ...]) -> Resolution:
    note = (REDIRECTED, f"link '{target}' points to a moved page: it redirects to '{redirect}'")
    redirect_path, redirect_fragment = _split_target(redirect)
    fragment = fragment or redirect_fragment
    if redirect_path.startswith("/") and not redirect_path.startswith("//"):
        resolved = _resolve_url(_unquote(redirect_path), site)
        if resolved is not None:
            folder, rest, found = resolved
            if found is None:
                joined = posixpath.normpath(posixpath.join(folder, rest)) if rest else folder
                return Resolution("missing", joined, fragment, notes + (note,), "")
            return Resolution("ok", found[0], fragment, notes + (note,))
    return Resolution("external", redirect, fragment, notes + (note,))


_QUESTIONS = {"lookup": _lookup_in, "suggest": _suggest_in, "docfx": _docfx_root_in, "has": _has_file_in}


# --- anchors (pure) ----------------------------------------------------------------------


def page_anchors(scan: PageScan, included: Iterable[PageAnchors] = ()) -> PageAnchors:
    """Ids of a page: canonical heading slugs, explicit anchors, and those of its includes."""
    proper = [h.text for h in scan.headings if not h.atx_nospace]
    slugs = unique_slugs(proper, slug_github)
    ids = set(slugs) | set(scan.explicit_anchors)
    legacy: dict[str, str] = {}
    canonical = dict(zip(proper, slugs))
    for heading in scan.headings:
        old = slug_docfx_2016(heading.text)
        if old and old not in ids:
            legacy.setdefault(old, canonical.get(heading.text, f"(not a heading in CommonMark: '{heading.text}')"))
    for other in included:
        ids |= other.ids
        for key, value in other.legacy.items():
            legacy.setdefault(key, value)
    return PageAnchors(frozenset(ids), legacy)


def _anchor_hint(fragment: str, anchors: PageAnchors) -> str:
    by_lower = {a.lower(): a for a in anchors.ids}
    if fragment.lower() in by_lower:
        return by_lower[fragment.lower()]
    import difflib

    close = difflib.get_close_matches(fragment.lower(), sorted(by_lower), n=1, cutoff=0.75)
    return by_lower[close[0]] if close else ""


def check_fragment(fragment: str, anchors: PageAnchors, page: str = "") -> tuple[str, str, str] | None:
    """None if ``#fragment`` exists in a page with ``anchors``, else ``(severity, message, code)``;
    ``page`` names the target page in the error message ('' for the page itself)."""
    if fragment in anchors.ids or fragment.lower() == "top":  # the HTML standard: #top is the page's top
        return None
    by_lower = {a.lower(): a for a in anchors.ids}
    if fragment.lower() in by_lower:
        return ("warning", f"fragment '#{fragment}' differs only in letter case from id "
                           f"'{by_lower[fragment.lower()]}': browsers compare ids exactly, the page opens "
                           "but does not scroll there", CASE_MISMATCH)
    if fragment in anchors.legacy:
        return ("warning", f"fragment '#{fragment}' matches a heading only by DocFX 2016's slug rule; "
                           f"its id is '{anchors.legacy[fragment]}'", ANCHOR_SLUG)
    hint = _anchor_hint(fragment, anchors)
    where = f"in '{page}'" if page else "in this page"
    return ("error", f"no anchor '#{fragment}' {where}" + (f"; did you mean '#{hint}'?" if hint else ""),
            MISSING_ANCHOR)


def find_anchors(text: str) -> set[str]:
    """Ids a page's own text offers: canonical heading slugs and explicit anchors (pure)."""
    return set(page_anchors(scan_text(text)).ids)


# --- one page (pure) ---------------------------------------------------------------------


def check_page(page: str, scan: PageScan, site: Site, anchors_of: Callable[[str], PageAnchors | None],
               display: str | None = None,
               rewrite: Callable[[str], str] | None = None) -> tuple[list[Diagnostic], list[LinkResult]]:
    """Diagnostics (by position) and link results of one page; ``anchors_of(path)`` gives the
    anchors of a page (None if it cannot be read). Pure given a pure ``anchors_of``.

    ``rewrite`` turns targets written in another form than the site's files into the site's
    terms before they are resolved (built HTML: ``x.html#a`` -> ``x.md#a``); messages then
    name the target as written, and a hint or another page the ``.html`` way. A target so
    rewritten names a page: a file of that name that is none (``.github/x.md`` for
    ``.github/x.html``) does not answer it, as no ``.html`` is built of it."""
    shown = page if display is None else display
    diagnostics = [Diagnostic(Location(shown, m.line, m.column), "error", m.message, m.code) for m in scan.malformed]
    results = []
    for link in scan.links:
        target = link.target if rewrite is None else rewrite(link.target)
        resolution = resolve_link(page, target, site)
        if target != link.target:
            resolution = _as_page(resolution, site)
        results.append(LinkResult(page, link, resolution))
        if not resolution.notes and resolution.status != "missing" and not resolution.fragment:
            continue  # nothing to report (most links)
        where = Location(shown, link.line, link.column)
        for code, message in resolution.notes:
            diagnostics.append(Diagnostic(where, "warning", message.replace(target, link.target), code))
        if resolution.status == "missing":
            message = f"broken link '{link.target}': no such file"
            if resolution.hint:
                message += f"; did you mean '{_hint_as_target(resolution.hint, link.target, rewrite)}'?"
            diagnostics.append(Diagnostic(where, "error", message, MISSING_FILE))
            continue
        if resolution.status != "ok" or not resolution.fragment:
            continue
        if not published_page(resolution.path, site):  # an image, a .md file that is no published page: no ids
            continue
        anchors = anchors_of(resolution.path)
        if anchors is None:
            continue
        other = "" if resolution.path == page else resolution.path
        if rewrite is not None and other:
            other = other[:-3] + ".html"
        problem = check_fragment(resolution.fragment, anchors, other)
        if problem is not None:
            severity, message, code = problem
            lead = "broken link" if severity == "error" else "link"
            diagnostics.append(Diagnostic(where, severity, f"{lead} '{link.target}': {message}", code))
    diagnostics.sort(key=lambda d: (d.location.line, d.location.column))  # stable: a link's notes stay in order
    return diagnostics, results


def _as_page(resolution: Resolution, site: Site) -> Resolution:
    """A rewritten target's resolution (``check_page``): missing when it found a file that is
    no published page, as the site has no page of that name."""
    if resolution.status != "ok" or published_page(resolution.path, site):
        return resolution
    return Resolution("missing", resolution.path, resolution.fragment)


def _hint_as_target(hint: str, target: str, rewrite: Callable[[str], str] | None) -> str:
    """A hint in the form of the target (an ``.html`` target's hint as ``.html``)."""
    if rewrite is not None and target.split("#")[0].lower().endswith(".html") and hint.lower().endswith(".md"):
        return hint[:-3] + ".html"
    return hint


# --- the site (edge: reads files) --------------------------------------------------------


class Anchors:
    """``anchors(path)``: a page's ids, with those of every file its build pastes into it
    (``walk``: its includes at every depth, cut where the build cuts them, ``pipeline.includes``),
    memoized; ``sources[path]``: the pages whose text those ids come from (the page and the
    files pasted), what a cached result that used them depends on."""

    def __init__(self, site: Site, scan_of: Callable[[str], PageScan | None]) -> None:
        self.site = site
        self.scan_of = scan_of
        self.memo: dict[str, PageAnchors | None] = {}
        self.sources: dict[str, frozenset[str]] = {}
        self._own: dict[str, PageAnchors | None] = {}
        self._includes: dict[str, tuple[str | None, ...] | None] = {}
        self._walks: dict[str, IncludeWalk] = {}

    def __call__(self, path: str) -> PageAnchors | None:
        if path in self.memo:
            return self.memo[path]
        scan = self.scan_of(path)
        if scan is None:
            self.sources[path] = frozenset({path})
            self.memo[path] = None
            return None
        walk = self.walk(path)
        included = [own for page in walk.pages[1:] if (own := self._own_anchors(page)) is not None]
        self.memo[path] = page_anchors(scan, included)
        self.sources[path] = frozenset(walk.pages)
        return self.memo[path]

    def _own_anchors(self, path: str) -> PageAnchors | None:
        if path not in self._own:
            scan = self.scan_of(path)
            self._own[path] = None if scan is None else page_anchors(scan)
        return self._own[path]

    def includes_of(self, path: str) -> tuple[str | None, ...] | None:
        """The files ``path``'s includes resolve to, in order (None for one that resolves to
        no file), or None when ``path`` cannot be read (``includes.IncludesOf``)."""
        if path not in self._includes:
            scan = self.scan_of(path)
            found = None
            if scan is not None:
                # the build's rule (``includes.include_target``): a target found only by a link's
                # ways (letter case ignored, no extension, ~/...) is no file the build pastes
                found = tuple(_pasted(path, link.target, self.site) for link in scan.links if link.kind == "include")
            self._includes[path] = found
        return self._includes[path]

    def walk(self, path: str) -> IncludeWalk:
        """What the build pastes into the page at ``path`` (``includes.walk_includes``)."""
        if path not in self._walks:
            self._walks[path] = walk_includes(path, self.includes_of)
        return self._walks[path]


def _pasted(path: str, written: str, site: Site) -> str | None:
    """The file an include of ``path`` written ``written`` pastes, as the build finds it, or None."""
    exact = include_target(path, written)
    if exact is None:
        return None
    resolved = resolve_link(path, written, site)
    return exact if resolved.status == "ok" and resolved.path == exact else None


def include_problems(page: str, scan: PageScan, anchors: Anchors, shown: str) -> tuple[list[Diagnostic], set[str]]:
    """The includes of ``page`` the build refuses (``pipeline.includes``), as the build reports
    them, and the pages whose text that depends on. A loop is an include of a file whose own
    pasting pastes ``page`` (the build of that file refuses it, and so does the build of any
    page that pastes it); a limit is reported at the page's include under which the build of
    ``page`` meets it, once for that include."""
    links = [link for link in scan.links if link.kind == "include"]
    targets = anchors.includes_of(page) or ()
    found: list[Diagnostic] = []
    read = {page}
    for link, target in zip(links, targets):
        if target is None or anchors.includes_of(target) is None:
            continue
        walk = anchors.walk(target)
        read.update(walk.pages)
        if page in walk.pages:
            found.append(Diagnostic(Location(shown, link.line, link.column), "error",
                                    refusal_message("loop", link.target, page, target), INCLUDE_LOOP))
    walk = anchors.walk(page)
    read.update(walk.pages)
    reported: set[int] = set()
    for refused in walk.refused:
        if refused.reason == "loop" or refused.top in reported:
            continue
        reported.add(refused.top)
        holder = anchors.scan_of(refused.holder)
        held = [link for link in holder.links if link.kind == "include"] if holder is not None else []
        written = held[refused.index].target if refused.index < len(held) else refused.target
        link = links[refused.top]
        found.append(Diagnostic(Location(shown, link.line, link.column), "error",
                                refusal_message(refused.reason, written, refused.holder, refused.target), INCLUDE_LIMIT))
    return found, read


def scan_site(root: Path, files: list[str] | None, site_map: Mapping[str, str],
              redirects: Mapping[str, str] | None = None, display_root: str = "",
              scanner: Callable[[str], PageScan] = scan_text) -> SiteReport:
    """Check the Markdown pages ``files`` (root-relative; default: the pages under ``root``,
    ``files.is_page``), as the build publishes them (``published``: the docfx.json files of
    ``root``, whose errors are among the diagnostics).

    Reads every file name under ``root`` and the text of the pages checked or linked to with a
    fragment; each text is scanned once by ``scanner`` (default ``scan_text``), so a caller can
    pass a function that caches ``PageScan``s by content hash across runs. Diagnostics' paths
    are ``display_root + path``. ``redirects`` None means: those of
    ``root/.openpublishing.redirection.json`` if present (pass ``{}`` for none).
    """
    from pipeline.published import read_publication  # the docfx.json files: not for a page's links alone

    all_files = list_files(root)
    if redirects is None and (root / REDIRECTION_FILE).is_file():
        redirects = load_redirects(root / REDIRECTION_FILE)
    publication = read_publication(root, [f for f in all_files if is_page(f)],
                                   lambda path: display_root + path.relative_to(root).as_posix())
    site = build_site(all_files, site_map, redirects, publication.unpublished)
    cache: dict[str, PageScan] = {}

    def scan_of(path: str) -> PageScan | None:
        if path not in cache:
            try:
                cache[path] = scanner((root / path).read_text(encoding="utf-8", errors="replace"))
            except OSError:
                return None
        return cache[path]

    anchors_of = Anchors(site, scan_of)

    pages = sorted(files if files is not None else [f for f in all_files if is_page(f)])
    diagnostics: list[Diagnostic] = list(publication.diagnostics)
    results: list[LinkResult] = []
    for page in pages:
        scan = scan_of(page)
        if scan is None:
            continue
        found, linked = check_page(page, scan, site, anchors_of, display_root + page)
        found += include_problems(page, scan, anchors_of, display_root + page)[0]
        found.sort(key=lambda d: (d.location.line, d.location.column))
        diagnostics.extend(found)
        results.extend(linked)
    return SiteReport(tuple(diagnostics), tuple(results))


class LinkSummary(namedtuple("LinkSummary", "links severities codes")):
    """Counts for a one-line report: links by resolution status, diagnostics by severity and code."""

    __slots__ = ()
    links: tuple[tuple[str, int], ...]
    severities: tuple[tuple[str, int], ...]
    codes: tuple[tuple[str, int], ...]

    def line(self) -> str:
        """E.g. ``2572 links (1842 ok, 719 external, 9 missing, 2 external-site): 25 errors, 123 warnings``."""
        total = sum(n for _, n in self.links)
        parts = ", ".join(f"{n} {status}" for status, n in self.links)
        sev = dict(self.severities)
        return (f"{total} links ({parts}): {sev.get('error', 0)} errors, "
                f"{sev.get('warning', 0)} warnings")


def summarize(report: SiteReport) -> LinkSummary:
    """Counts of ``report`` (pure), most frequent first, ties by name."""
    def ranked(counter: collections.Counter[str]) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(counter.items(), key=lambda pair: (-pair[1], pair[0])))

    return LinkSummary(ranked(collections.Counter(r.resolution.status for r in report.results)),
                       ranked(collections.Counter(d.severity for d in report.diagnostics)),
                       ranked(collections.Counter(d.code for d in report.diagnostics)))


def check_site(root: Path, files: list[str] | None, site_map: Mapping[str, str],
               redirects: Mapping[str, str] | None = None, display_root: str = "") -> list[Diagnostic]:
    """Diagnostics of ``scan_site`` (see there), in page then position order."""
    return list(scan_site(root, files, site_map, redirects, display_root).diagnostics)
