"""Command line: ``pipeline [-C DIR] COMMAND``; the only module that prints and exits.

Exit status: 0 success, 1 content errors (a broken page, catalog, template or link),
2 usage or configuration errors. Diagnostics go to stderr, one per line, in the
``path:line:col: severity: message [code]`` form that editors and CI annotate.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import PipelineError, error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without the 2 ms import of typing
if TYPE_CHECKING:
    from .build import BuildOptions
    from .config import Settings
    from .project import Outcome

# The stage modules (build, sync, project and what they pull in: Jinja, markdown-it-py,
# polib, lxml) are imported by the command that needs them, so that `pipeline check` on a
# warm cache starts in a few milliseconds instead of paying for the whole toolchain.


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, the terminal's width found without importing shutil (2 ms
    of imports that every command, even a replayed ``check``, would pay)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _columns() - 2)


def _columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's, else 80."""
    try:
        return int(os.environ["COLUMNS"]) or 80
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """An argument parser (and, being its class, each subcommand's) with that formatter."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description="Localize a documentation tree through gettext PO files.")
    parser.add_argument("-C", dest="directory", default=".", metavar="DIR", help="run on the project in DIR")
    parser.add_argument("--version", action="version", version=f"pipeline {__version__}")
    for option in ("source", "locales", "templates", "out"):
        parser.add_argument(f"--{option}", metavar="DIR", help=f"override the '{option}' folder setting")
    parser.add_argument("--source-locale", metavar="LOCALE", help="override the 'source_locale' setting")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("extract", help="write a POT template per source page under locales/pot/")
    for name, text in (("update", "create or merge each locale's PO files from the templates"),
                       ("init", "create the PO files of a new locale")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--locale", action="append", required=name == "init", metavar="LOCALE",
                         help="only this locale (repeatable)")
    build = commands.add_parser("build", help="build every locale into out/ (front matter, Markdown, HTML)")
    everything = commands.add_parser("all", help="extract, update and build in one run (what 'make build' runs)")
    for sub in (build, everything):
        _build_options(sub)
    imports = commands.add_parser("import", help="fill a locale's PO files from existing translated pages (gettextize)")
    imports.add_argument("--locale", dest="import_locale", required=True, metavar="LOCALE", help="the pages' locale")
    imports.add_argument("--from", dest="from_dir", required=True, metavar="DIR", help="folder of translated pages")
    imports.add_argument("--overwrite", action="store_true", help="replace translations already in the PO files")
    stats = commands.add_parser("stats", help="translated, fuzzy and untranslated messages and words per locale and page")
    stats.add_argument("--locale", action="append", metavar="LOCALE", help="only this target locale (repeatable)")
    stats.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    check = commands.add_parser("check", help="check links and translations in the sources and every built locale")
    check.add_argument("--locale", action="append", metavar="LOCALE", help="only this target locale (repeatable)")
    from . import checkcommand  # its options are its own

    checkcommand.add_arguments(check)
    return parser


def _build_options(build: argparse.ArgumentParser) -> None:
    build.add_argument("--locale", action="append", metavar="LOCALE", help="only this target locale (repeatable)")
    build.add_argument("-j", "--jobs", type=_jobs, default=0, metavar="N", help="worker processes (default: all cores)")
    build.add_argument("--shard", type=_shard, default=(1, 1), metavar="K/N",
                       help="build only the K-th of N deterministic parts of the pages")
    build.add_argument("--format", dest="formats", action="append", choices=("frontmatter", "markdown", "html"),
                       help="build only this output format (repeatable; default: all three)")
    build.add_argument("--min-coverage", type=float, default=0.0, metavar="PERCENT",
                       help="do not publish a page in a locale translated below PERCENT")


def _jobs(text: str) -> int:
    """-j N: a count of worker processes, 0 for all cores (a negative one would reach the
    process pool and end in a traceback)."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes (0: all cores)")
    return jobs


def _shard(text: str) -> tuple[int, int]:
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not K/N") from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"'{text}': K must be between 1 and N")
    return k, n


def _progress(label: str, stream=None, clock=time.monotonic):
    """A progress bar on a terminal once work has run for two seconds; nothing elsewhere
    (CI gets the summary lines)."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    started = clock()
    shown = False

    def show(done: int, total: int) -> None:
        nonlocal shown
        if not shown and clock() - started < 2.0:
            return
        shown = True
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done == total else ""
        print(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=stream, flush=True)

    return show


def _settings(args: argparse.Namespace, check_locales: bool = True) -> Settings:
    from .config import load_settings, with_locales

    overrides = {
        "source": args.source,
        "locales": args.locales,
        "templates": args.templates,
        "out": args.out,
        "source_locale": args.source_locale,
    }
    settings = load_settings(Path(args.directory), overrides, check_locales)
    if getattr(args, "locale", None):
        settings = with_locales(settings, args.locale, check_locales)
    return settings


def _report(outcome: Outcome) -> int:
    for line in dict.fromkeys(d.format() for d in outcome.diagnostics):
        print(line, file=sys.stderr)
    for line in outcome.lines:
        print(line)
    return 1 if outcome.failed else 0


def run_all(settings: Settings, options: BuildOptions, progress) -> Outcome:
    """extract, update, build; one outcome with every stage's diagnostics and lines."""
    from .build import run_build
    from .project import Outcome
    from .sync import run_extract, run_update

    outcome = Outcome()
    for stage in (run_extract(settings, options.jobs), run_update(settings), run_build(settings, options, progress)):
        outcome.diagnostics += stage.diagnostics
        outcome.written += stage.written
        outcome.lines += stage.lines
    return outcome


def _pipe_closed() -> int:
    """Output piped into ``head`` and the like was closed early: not an error of ours."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    typed = list(sys.argv[1:] if argv is None else argv)
    known = None  # the fingerprint of a check's files, once made
    if "check" in typed[:3]:  # the same check typed again on unchanged files: its stored report
        from .checkcommand import replay_launch

        try:
            status, known = replay_launch(typed)
        except BrokenPipeError:
            return _pipe_closed()
        if status is not None:
            return status
    parser = _parser()
    try:
        args = parser.parse_args(typed)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        # `check` may replay an unchanged run, with no need for Babel: it checks the
        # locale names itself when it really runs
        settings = _settings(args, check_locales=args.command != "check")
    except PipelineError as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 2
    try:
        if args.command == "extract":
            from .sync import run_extract

            return _report(run_extract(settings))
        if args.command in ("update", "init"):
            from .sync import run_update

            return _report(run_update(settings))
        if args.command == "stats":
            from .project import Outcome
            from .stats import collect_stats, format_json, format_table

            diagnostics: list = []
            rows = collect_stats(settings, diagnostics)
            print(format_json(rows) if args.format == "json" else format_table(rows))
            return _report(Outcome(diagnostics=diagnostics))
        if args.command == "import":
            from .importer import run_import

            return _report(run_import(settings, args.import_locale, Path(args.from_dir), args.overwrite))
        if args.command == "check":
            from . import checkcommand

            return checkcommand.run_command(settings, args, lambda: _settings(args), typed, known)
        if args.command in ("build", "all"):
            from .build import BuildOptions, run_build

            formats = tuple(dict.fromkeys(args.formats)) if args.formats else BuildOptions.formats
            options = BuildOptions(jobs=args.jobs, shard=args.shard, min_coverage=args.min_coverage, formats=formats,
                                   some_locales=bool(args.locale))
            if args.command == "all":
                return _report(run_all(settings, options, _progress("build")))
            return _report(run_build(settings, options, _progress("build")))
    except PipelineError as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 2 if exc.diagnostic.code.startswith("config.") else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # an OSError too: first
        return _pipe_closed()
    except OSError as exc:  # a file we could not read or write that no stage located: still one line
        where = settings.display(Path(exc.filename)) if exc.filename else "<file>"
        print(error(where, 1, 1, str(exc.strerror or exc), "io.error").diagnostic.format(), file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
