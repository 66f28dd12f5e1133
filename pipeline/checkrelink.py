"""A stored check of the source pages, made again after edits that changed some pages' links.

A check of the source pages alone (``checking._Run.scan_only``) finds each page's problems
from its own scan, the file list and, of the other pages, only their ids and includes: the
anchors a fragment is checked against, the files a page pastes (``linkscan.visible_digest``).
So when the file names, the settings and every other input are those of a stored run
(``runrecord.tree_state``'s shape) and the pages edited since still have the same ids and
includes, the other pages' findings are the stored ones; only the edited pages' links need
resolving again. ``relinked_report`` does that with the checker's own functions
(``treecheck.check_tree`` on a ``links.Site`` made of what the stored run kept of the site,
``store_site``), puts their findings among the stored ones, and makes the report, the summary
line and the exit status again, sorted, de-duplicated and baselined as ``checking.run_check``
does. Any doubt is a no, and the caller checks.

In: the stored run's data (``checkmoves`` findings with their places and its pages' scan
digests, kept with its launch; the site and baseline kept in
``out/.cache/check-relink-<launch>.json``, written by the run that checked) and the edited
pages' new scans. Out: report text, summary, status and the data to store with them. Reads
the pages whose ids a link of an edited page asks for.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from .files import read_bytes, write_atomic
from .runrecord import KEEP  # files kept, one per command line, as launches

RELINK_FORMAT = 1


def site_data(files: list[str], site_map: Mapping[str, str], redirects: Mapping[str, str], unpublished: list[str],
              shown: Mapping[str, str], baseline: list[str], checked: int, stale: str | None | bool) -> dict | None:
    """What ``relinked_report`` needs of a run beside its findings and its pages' scan digests
    (kept with its launch: ``runrecord.find_launch``): the source file list, site map, redirects
    and unpublished pages (``links.build_site``), the folder pages are shown under, the
    baseline's keys, the number of files checked, and whether the summary says which baseline
    entries are stale (False), with the folder it leaves out (a string) or none (None). None
    when a page is shown otherwise than under one folder."""
    prefixes = {name[:len(name) - len(page)] if name.endswith(page) else None for page, name in shown.items()}
    if len(prefixes) > 1 or None in prefixes:
        return None
    return {"files": files, "site_map": list(site_map.items()), "redirects": dict(redirects),
            "unpublished": unpublished, "prefix": next(iter(prefixes), ""), "baseline": baseline,
            "checked": checked, "stale": stale}


def _site_path(record_path: str, launch: str) -> str:
    return os.path.join(os.path.dirname(record_path), f"check-relink-{launch[:32]}.json")


def store_site(record_path: str, launch: str, shape: str, data: dict) -> None:
    """Keep ``site_data`` beside the run records, for the runs of this launch (the command line
    as typed: ``checkcommand.launch_key``) on a tree of this ``shape``; the files of the
    ``KEEP`` launches stored last are kept, the others removed."""
    path = _site_path(record_path, launch)
    try:
        if not write_atomic(path, json.dumps({"format": RELINK_FORMAT, "shape": shape, **data}, ensure_ascii=False)):
            os.utime(path)  # the same data: stored last all the same
        folder = os.path.dirname(path)
        kept = sorted((entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(folder)
                      if entry.name.startswith("check-relink-") and entry.name.endswith(".json"))
        for _, old in kept[:-KEEP]:
            if old != path:
                os.remove(old)
    except OSError:
        pass  # a read-only out/ only costs speed


def _load_site(record_path: str, launch: str, shape: str) -> dict | None:
    try:
        with open(_site_path(record_path, launch), encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("format") == RELINK_FORMAT and data.get("shape") == shape:
            return data
    except (OSError, ValueError, AttributeError):
        pass
    return None


def relinked_report(record_path: str, launch: str, folder: str, scans: dict,
                    rescanned: Mapping[str, tuple]) -> tuple[str, str, int, dict] | None:
    """The report, summary line, exit status and findings' data (``checkmoves``) of the stored
    run (``scans``: the shape of its tree, its pages' scan digests, its findings) after the
    edits of ``rescanned`` (page -> its scan digests now, its places, its scan; each scanned
    from ``folder``), or None when any of them changed another page's findings (its ids or
    includes: ``linkscan.visible_digest``, the last of its digests) or the data is not ours."""
    if scans["moves"] is None or any(digests[2] != scans["pages"][page][3] for page, (digests, _, _)
                                     in rescanned.items()):
        return None
    data = _load_site(record_path, launch, scans["shape"])
    if data is None:
        return None
    try:
        return _report(data, folder, scans["moves"], rescanned)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _report(data: dict, folder: str, moves: dict, rescanned: Mapping[str, tuple]) -> tuple[str, str, int, dict]:
    """``relinked_report``'s, once the data is known to be the run's (a shape it does not have
    raises ``KeyError``, ``TypeError``, ``ValueError`` or ``IndexError``)."""
    from .checkmoves import decode_finding, encode_finding
    from .links import Anchors, build_site
    from .linkscan import scan_places, scan_text
    from .reports import Finding, apply_baseline, format_report, sort_key, stale_baseline_line, summary_line
    from .treecheck import check_tree

    site = build_site(data["files"], dict(data["site_map"]), data["redirects"], data["unpublished"])
    scans = {page: found[2] for page, found in rescanned.items()}

    def scan_of(page: str):
        if page not in scans:  # as the check reads a source page
            text = read_bytes(os.path.join(folder, page))
            scans[page] = None if text is None else scan_text(text.decode("utf-8", errors="replace"))
        return scans[page]

    prefix = data["prefix"]
    edited = sorted(rescanned)
    hits, _ = check_tree(edited, site, scan_of, lambda page: prefix + page, anchors=Anchors(site, scan_of),
                         includes=True)
    items = [found for found in map(decode_finding, moves["findings"]) if found[1] not in rescanned]
    # the places ``_rescanned`` made for a page whose links moved, else made here
    places = {page: found[1] if found[1] is not None else scan_places(found[2]) for page, found in rescanned.items()}
    for hit in hits:
        where = hit.diagnostic.location
        items.append((Finding(hit.diagnostic, prefix + hit.page, hit.link.target if hit.link else ""), hit.page,
                      [i for i, place in enumerate(places[hit.page]) if place == (where.line, where.column)]))
    items.sort(key=lambda item: sort_key(item[0]))  # (finding, page, indexes of its places)
    seen: set = set()  # each diagnostic once, the first (``reports.once_each``, as the check does)
    items = [item for item in items if not (item[0].diagnostic in seen or seen.add(item[0].diagnostic))]
    baseline = data["baseline"]
    findings = apply_baseline([item[0] for item in items], baseline)
    fmt, strict, checked = moves["format"], bool(moves["strict"]), list(moves["checked"])
    report = format_report(fmt, findings, checked, strict, str(moves.get("prefix", "")))
    summary = summary_line(findings, int(data["checked"]), strict)
    if baseline and data["stale"] is not False:
        summary += stale_baseline_line(baseline, findings, data["stale"])
    status = 1 if any(f.fails(strict) for f in findings) else 0
    stored = [encode_finding(finding, item[1], item[2]) for finding, item in zip(findings, items)]
    return report, summary, status, {**moves, "findings": stored}

