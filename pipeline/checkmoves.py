"""A stored check of the source pages, replayed after edits that only moved links.

A check of the source pages alone (``checking._Run.scan_only``) reports problems at the
places of links and malformed links (``linkscan.scan_places``), and depends on each page
only through its scan. When an edit moves a page's links (a line added above them) but
leaves its links, anchors and headings as they were, in the same order
(``linkscan.scan_digests``' second digest equal), the stored findings still hold at new
positions. Each finding is stored with the indexes of the places it stood at
(``encode_moves``); ``moved_report`` moves it to the new place there and makes the report
again, sorted and baselined as the check does. Any doubt is a no, and the caller checks.

In: a run's findings, or the stored findings and the moved pages' new places. Out: JSON
data and report text. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .reports import Finding

Places = list[tuple[int, int]]


def encode_moves(findings: Sequence[Finding], checked: Sequence[str], fmt: str, strict: bool,
                 page_of: Mapping[str, str], places_of: Callable[[str], Places | None], prefix: str = "") -> dict | None:
    """What ``moved_report`` needs: the report's format and options (``prefix``: the
    ``reports.annotation_prefix`` it was made with), the files checked, and
    each finding with its source page (``page_of`` maps a page's name as shown to it) and the
    indexes of the page's places (``places_of``) at its position. None if a finding is not
    about one source page, as shown."""
    items = []
    places: dict[str, Places | None] = {}
    for finding in findings:
        where = finding.diagnostic.location
        page = page_of.get(finding.checked)
        if page is None or where.path != finding.checked:
            return None
        if page not in places:
            places[page] = places_of(page)
        if places[page] is None:
            return None
        at = (where.line, where.column)
        indexes = [index for index, place in enumerate(places[page]) if place == at]
        items.append(encode_finding(finding, page, indexes))
    listed = list(checked) if fmt in ("json", "junit") else []  # the other formats do not list them
    return {"format": fmt, "strict": strict, "prefix": prefix, "checked": listed, "findings": items}


def moved_report(moves: dict, moved: Mapping[str, Places]) -> tuple[str, dict] | None:
    """The report of the stored findings (``encode_moves``) with those of the ``moved`` pages
    (page -> its places now) at their new positions, and the data to store with it. None if
    the data is not ours or a finding's place is not certain (it stood at no place, or at
    places that now differ)."""
    from .reports import apply_baseline, finding_keys, format_report, sort_key

    findings, pages, indexes_of = [], [], []
    try:
        for item in moves["findings"]:
            page, indexes, at = item[8], item[9], None
            if page in moved:
                now = moved[page]
                new = {now[index] for index in indexes if isinstance(index, int) and 0 <= index < len(now)}
                if len(new) != 1 or len(indexes) == 0:
                    return None
                at, = new
            findings.append(decode_finding(item, at)[0])
            pages.append(page)
            indexes_of.append(indexes)
        fmt, strict, checked = moves["format"], bool(moves["strict"]), list(moves["checked"])
        known = {key for finding, key in zip(findings, finding_keys(findings)) if finding.known}
        order = sorted(range(len(findings)), key=lambda i: sort_key(findings[i]))
        # a finding's baseline key counts its like before it: known again by the key, in the new order
        ordered = apply_baseline([findings[i] for i in order], known)
        report = format_report(fmt, ordered, checked, strict, str(moves.get("prefix", "")))
    except (KeyError, TypeError, ValueError):
        return None
    items = [encode_finding(finding, pages[i], indexes_of[i]) for finding, i in zip(ordered, order)]
    return report, {**moves, "findings": items}


def decode_finding(item: list, at: tuple[int, int] | None = None) -> tuple[Finding, str, list[int]]:
    """A finding stored by ``encode_finding`` (at the line and column ``at``, if given), its
    source page and the indexes of its places."""
    from .diagnostics import Diagnostic, Location
    from .reports import Finding

    path, line, column, severity, message, code, target, known, page, indexes = item
    line, column = (line, column) if at is None else at
    return Finding(Diagnostic(Location(path, line, column), severity, message, code), path, target, bool(known)), \
        page, indexes


def encode_finding(finding: Finding, page: str, indexes: list[int]) -> list:
    """A finding as ``moved_report`` reads it back: with its source page and the indexes of
    that page's places (``linkscan.scan_places``) it stands at."""
    d = finding.diagnostic
    return [d.location.path, d.location.line, d.location.column, d.severity, d.message, d.code, finding.target,
            finding.known, page, indexes]  # its ``checked`` is its path (``encode_moves``)
