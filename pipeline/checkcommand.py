"""``pipeline check`` as a command: its options, and the replay of an unchanged run.

In: the parsed command line and the settings. Out: the exit status; the report and summary
are printed by ``pipeline.checking`` (a real run) or replayed from ``pipeline.runrecord``
(the same command on the same files as a stored run). A run is replayed unless it is
``--verbose`` (which lists every link), ``--update-baseline`` (which writes) or
``--no-cache``. Nothing beyond the standard library and what the command line has already
loaded (the settings) is imported before the replay is known to miss.

Most reruns are the same command typed again in the same folder (``make check``, a
pre-commit hook): ``replay_launch`` serves those before the command line and the settings
are even parsed, keyed by the command line as typed and the bytes of the settings files.
When only some source pages' texts changed and the stored run read them for their links
alone, it also replays if each of those pages still has the same links, anchors and
headings (``_rescanned``), with the findings of a page whose links moved at their new places
(``pipeline.checkmoves``); and if some links changed but the pages' ids and includes did not,
it makes the report again from those pages' links alone (``pipeline.checkrelink``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .files import read_bytes
from .runrecord import (code_stamp, find_launch, find_run, fingerprint, load_contents, read_records, run_key,
                        store_contents, store_record, tree_state)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse

    from .config import Settings

RECORD_FILE = "check-runs.json"
# ``cliparser``'s options naming the project and its folders, which may follow the command (a
# test keeps them equal: the parser is not loaded here), alone or with their value joined
PROJECT_OPTIONS = ("-C", "--source", "--locales", "--templates", "--out", "--source-locale")
_PROJECT_PREFIXES = tuple(f"{option}=" if option.startswith("--") else option for option in PROJECT_OPTIONS)
REPORT_FORMATS = ("text", "json", "github", "junit")  # pipeline.reports.FORMATS (a test keeps them equal)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pipeline check``."""
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="report only on these source pages and PO files (the rest of the site is still "
                             "read to resolve links); pre-commit passes the changed files")
    parser.add_argument("--format", choices=REPORT_FORMATS, default="text", help="report format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument("--site-map", action="append", metavar="PREFIX=FOLDER",
                        help="site-root URL prefix served from a source folder (repeatable; replaces the "
                             "'site_map' setting)")
    parser.add_argument("--redirects", metavar="FILE",
                        help="DocFX redirection file (default: the 'redirects' setting, else "
                             "SOURCE/.openpublishing.redirection.json)")
    parser.add_argument("--baseline", metavar="FILE", help="known findings (default: the 'baseline' setting)")
    parser.add_argument("--no-baseline", action="store_true", help="ignore the baseline: every finding counts")
    parser.add_argument("--update-baseline", action="store_true",
                        help="record every current finding in the baseline file and exit 0")
    parser.add_argument("--no-outputs", action="store_true", help="check sources and catalogs only, not out/")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not read or write out/.cache/ (page scans and the replay of an unchanged run)")
    parser.add_argument("--inventory", metavar="FILE",
                        help="known external URLs, one a line ('#' comments), e.g. from a crawl: an http(s) "
                             "link to a URL not in it is a warning [link.external-unknown] (CI stays offline)")
    from .cliparser import job_count

    parser.add_argument("-j", "--jobs", type=job_count, default=0, metavar="N",
                        help="worker processes for the locales checked again (default: all cores)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list the external links and the site-root prefixes of other sites")


def run_command(settings: Settings, args: argparse.Namespace, checked_settings: Callable[[], object],
                argv: Sequence[str] = (), known: tuple[str, dict[str, str], dict] | None = None) -> int:
    """Replay the stored report of an unchanged run, or check and store what it printed.

    ``settings`` come with their locale names unchecked (``load_settings(check_locales=False)``):
    a replayed run was checked when it ran, and its settings are part of the fingerprint.
    Before a real check, ``checked_settings()`` loads them again with every check (it raises
    the same located error as any other command for an unknown locale). ``argv`` is the
    command line as typed: a stored run is kept under it too (``replay_launch``); ``known``
    is the ``runrecord.tree_state`` that ``replay_launch`` found no run for, if it got that far,
    with the content digests it made (the check reads the digests of the files it names there
    instead of hashing the files again)."""
    path = os.path.join(settings.out, ".cache", RECORD_FILE)
    state, contents = (known[:2], known[2]) if known else (None, {})
    launch = None
    if not (args.verbose or args.update_baseline or args.no_cache):
        parts, folders, files = run_inputs(settings, args)
        if state is None:
            contents = load_contents(path)
            state = tree_state(parts, folders, files, contents)
            record = find_run(read_records(path)[0], run_key(*state))
            if record is not None:
                store_contents(path, contents)
                return _replay(args.output, record["report"], record["summary"], record["status"])
        found = launch_key(argv)
        if found is not None and found[0] == path:  # where replay_launch looks for it
            launch = (found[1], {"parts": parts, "folders": [[f, sorted(s)] for f, s in folders], "files": files,
                                 "output": args.output, "paths": [list(p) for p in settings.written_paths]})
    checked_settings()
    from . import checking

    def keep(report: str, summary: str, status: int, replay: dict | None) -> None:
        key = run_key(*state)
        if launch is not None and replay is not None:
            shape, pages = state
            scans = replay["pages"]
            known_scans = {page: [digest, *scans[page][1:]] for page, digest in pages.items()
                           if page in scans and scans[page][0] == digest}
            if len(known_scans) == len(pages):  # the scans are of the texts fingerprinted
                launch[1]["scans"] = {"shape": shape, "run": key, "pages": known_scans, "moves": replay["moves"]}
                if replay["relink"] is not None:
                    from .checkrelink import store_site

                    store_site(path, launch[0], shape, replay["relink"])
        store_record(path, key, report, summary, status, launch)
        store_contents(path, contents)

    return checking.run_check(settings, args, keep if state else None, contents)


def run_inputs(settings: Settings, args: argparse.Namespace) -> tuple[list[str], list[tuple[str, frozenset[str]]], list[str]]:
    """Everything a check's report depends on, as the parts, folders and files of
    ``runrecord.fingerprint``: our code, the command line, the settings, the trees it reads
    (sources, catalogs and, unless ``--no-outputs``, the built pages; of ``out/.cache`` only
    the build's records of the pages it left out, ``checkoutputs.OutputCheck.withheld``) and
    the extra files named by the settings or options."""
    folders = [(str(settings.source), frozenset(settings.inside_source)), (str(settings.locales), frozenset())]
    named = [settings.redirects, settings.glossary, settings.baseline, args.redirects, args.baseline, args.inventory]
    records = []
    if not args.no_outputs:
        from .cache import shard_records_entry

        folders.append((str(settings.out), frozenset({".cache"})))
        named.append(settings.out / ".cache" / "build.json")
        records.append(shard_records_entry(settings.out / ".cache"))
    files = [os.path.abspath(str(p)) for p in named if p] + records
    parts = [__version__, code_stamp(), sys.version, os.getcwd(), os.environ.get("GITHUB_WORKSPACE", ""),
             repr(sorted(vars(args).items())), repr(settings), *_where_words_lead(args.files)]  # the folders a report's annotations are relative to
    return parts, folders, files


def _where_words_lead(words: Sequence[str]) -> list[str]:
    """The real path of each word of a command line that names a file or folder through a
    symbolic link (``check source/alias``): the same command line selects other pages once
    the link leads elsewhere (a link to a folder counts as an unreadable file in the tree's
    fingerprint). Other words (options, plain paths) add nothing."""
    found = []
    for word in words:
        if not word.startswith("-") and (real := os.path.realpath(word)) != os.path.abspath(word):
            found.append(f"{word}\0{real}")
    return found


def launch_key(argv: Sequence[str]) -> tuple[str, str] | None:
    """For a command line ``[-C DIR] check ...``: the record file of the project's default
    ``out`` folder and the key of this launch (the command line as typed, the working folder,
    our code and the bytes of the project's settings files). None for any other form.

    Together these decide the settings, so a launch stored by a real run (``run_command``)
    names the folders and files that run's fingerprint covered, and ``replay_launch`` can
    fingerprint them again without parsing the command line or the settings."""
    words = list(argv)
    root = "."
    if words[:1] == ["-C"] and len(words) > 1:
        root, words = words[1], words[2:]
    if words[:1] != ["check"] or any(word in PROJECT_OPTIONS or word.startswith(_PROJECT_PREFIXES)
                                      for word in words[1:]):
        return None  # the project or its folders given after the command: parsed as usual
    root = os.path.realpath(root)  # as load_settings resolves the project folder
    settings_files = [os.path.join(root, name) for name in ("pipeline.toml", "pyproject.toml")]
    parts = ["launch", __version__, code_stamp(), sys.version, os.getcwd(), os.environ.get("GITHUB_WORKSPACE", ""),
             *argv, *_where_words_lead(words[1:])]
    return os.path.join(root, "out", ".cache", RECORD_FILE), fingerprint(parts, (), settings_files)


def replay_launch(argv: Sequence[str]) -> tuple[int | None, tuple[str, dict[str, str], dict] | None]:
    """The exit status of replaying a stored run of this very command line on unchanged
    files, else None (nothing stored, something changed, or another form of command line:
    the caller parses it and runs ``run_command``), with the ``runrecord.tree_state`` of the
    files as they are now when a stored launch gave it (``run_command`` need not make it
    again). Imports nothing beyond ``runrecord``, unless source pages changed (``_rescanned``)."""
    found = launch_key(argv)
    if found is None:
        return None, None
    path, key = found
    runs, launches = read_records(path)
    launch = find_launch(launches, key)
    if launch is None:
        return None, None
    parts, folders, files, output, paths, scans = launch
    if any(os.path.realpath(written) != resolved for written, resolved in paths):
        return None, None  # a symbolic link named in the settings points elsewhere now
    contents = load_contents(path)
    shape, pages = tree_state(parts, folders, files, contents)
    now = run_key(shape, pages)
    record = find_run(runs, now)
    if record is not None:
        store_contents(path, contents)
        return _replay(output, record["report"], record["summary"], record["status"]), None
    if scans is not None and scans["shape"] == shape:
        record = find_run(runs, scans["run"])
        rescanned = _rescanned(folders[0][0], scans["pages"], pages) if record is not None else None
        replayed = None
        if rescanned is not None and all(digests[1] == scans["pages"][page][2]
                                         for page, (digests, _, _) in rescanned.items()):
            moved = _moved(record, scans, rescanned)  # the same links, anchors and headings, maybe moved
            replayed = None if moved is None else (moved[0], record["summary"], record["status"], moved[1])
        elif rescanned is not None:
            from .checkrelink import relinked_report

            replayed = relinked_report(path, key, folders[0][0], scans, rescanned)  # links changed
        if replayed is not None:
            report, summary, status, moves = replayed
            shown = _replay(output, report, summary, status)
            digests = {page: [pages[page], *(rescanned[page][0] if page in rescanned else scans["pages"][page][1:4])]
                       for page in pages}
            entry = dict(launches[key], scans={"shape": shape, "run": now, "pages": digests, "moves": moves})
            store_record(path, now, report, summary, status, (key, entry), (runs, launches))
            store_contents(path, contents)
            return shown, None
    return None, (shape, pages, contents)


def _rescanned(folder: str, stored: dict[str, list[str]], pages: dict[str, str]) -> dict | None:
    """Each source page whose text changed since the stored run (``stored``: page -> the
    digests of its text then, of its link scan, of that scan without places and of its ids and
    includes): page -> its scan's three digests now, its places if they moved
    (``linkscan.scan_places``; else None) and its scan. A run marked as depending on the
    pages only through their scans (``checking._Run.scan_only``) then reports the same, at the
    new places (``_moved``), if every one still has the same links, anchors, headings and
    malformed links in the same order, as when a sentence without a link is edited or a line
    is added above a link; and if not, its report is made again from the edited pages' links
    (``checkrelink``). Any doubt (a page not read as UTF-8, a page new to the run) is None."""
    changed = [page for page, digest in pages.items() if page not in stored or stored[page][0] != digest]
    if not changed or any(page not in stored for page in changed):
        return None
    from .linkscan import scan_digests, scan_places, scan_text, visible_digest

    found = {}
    for page in changed:
        data = read_bytes(os.path.join(folder, page))
        if data is None:
            return None
        try:
            scan = scan_text(data.decode("utf-8"))
        except UnicodeDecodeError:
            return None  # the check reads it with replacement characters: let it
        digests = (*scan_digests(scan), visible_digest(scan))
        found[page] = (digests, None if digests[0] == stored[page][1] else scan_places(scan), scan)
    return found


def _moved(record: dict, scans: dict, rescanned: dict) -> tuple[str, dict | None] | None:
    """The stored run's report, and the findings' places to store with it, with the findings
    of the ``rescanned`` pages whose links moved at their new places; None if one cannot be
    placed for certain (``checkmoves.moved_report``)."""
    moved = {page: places for page, (_, places, _) in rescanned.items() if places is not None}
    if not moved:
        return record["report"], scans["moves"]
    if scans["moves"] is None:
        return None
    from .checkmoves import moved_report

    return moved_report(scans["moves"], moved)


def _replay(output: str | None, report: str, summary: str, status: int) -> int:
    if output:
        from .files import write_error, write_through

        try:
            write_through(output, report)
        except OSError as exc:  # as a run that checks says it (``checking.run_check``)
            print(write_error(output, exc).diagnostic.format(), file=sys.stderr)
            return 2
    else:
        sys.stdout.write(report)
    print(summary, file=sys.stderr)
    return status
