"""``pipeline check`` as a command: its options, and the replay of an unchanged run.

In: the parsed command line and the settings. Out: the exit status; the report and summary
are printed by ``pipeline.checking`` (a real run) or replayed from ``pipeline.runrecord``
(the same command on the same files as a stored run). A run is replayed unless it is
``--verbose`` (which lists every link), ``--update-baseline`` (which writes) or
``--no-cache``. Nothing beyond the standard library and what the command line has already
loaded (the settings) is imported before the replay is known to miss.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from . import __version__
from .runrecord import fingerprint, load_record, store_record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .config import Settings

RECORD_FILE = "check-runs.json"
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
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list the external links and the site-root prefixes of other sites")


def run_command(settings: Settings, args: argparse.Namespace, checked_settings: Callable[[], object]) -> int:
    """Replay the stored report of an unchanged run, or check and store what it printed.

    ``settings`` come with their locale names unchecked (``load_settings(check_locales=False)``):
    a replayed run was checked when it ran, and its settings are part of the fingerprint.
    Before a real check, ``checked_settings()`` loads them again with every check (it raises
    the same located error as any other command for an unknown locale)."""
    path = os.path.join(settings.out, ".cache", RECORD_FILE)
    key = None
    if not (args.verbose or args.update_baseline or args.no_cache):
        key = run_fingerprint(settings, args)
        record = load_record(path, key)
        if record is not None:
            return _replay(args, record)
    checked_settings()
    from . import checking

    def keep(report: str, summary: str, status: int) -> None:
        store_record(path, key, report, summary, status)

    return checking.run_check(settings, args, keep if key else None)


def run_fingerprint(settings: Settings, args: argparse.Namespace) -> str:
    """Everything a check's report depends on: our code, the command line, the settings,
    the trees it reads (sources, catalogs and, unless ``--no-outputs``, the built pages;
    never ``out/.cache``) and the extra files named by the settings or options."""
    folders = [(str(settings.source), frozenset()), (str(settings.locales), frozenset())]
    if not args.no_outputs:
        folders.append((str(settings.out), frozenset({".cache"})))
    named = [settings.redirects, settings.glossary, settings.baseline, args.redirects, args.baseline, args.inventory]
    files = [os.path.abspath(str(p)) for p in named if p]
    parts = [__version__, _code_stamp(), sys.version, os.getcwd(), repr(sorted(vars(args).items())), repr(settings)]
    return fingerprint(parts, folders, files)


def _code_stamp() -> str:
    """Our modules' names, sizes and modification times: an edited checkout never replays a
    report that older code wrote (an installed release changes ``__version__`` as well)."""
    folder = os.path.dirname(__file__)
    stamp = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            info = entry.stat()
            stamp.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    return ";".join(stamp)


def _replay(args: argparse.Namespace, record: dict) -> int:
    if args.output:
        from pathlib import Path

        from .files import write_atomic

        write_atomic(Path(args.output), record["report"])
    else:
        sys.stdout.write(record["report"])
    print(record["summary"], file=sys.stderr)
    return record["status"]
