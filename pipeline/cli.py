"""Command line: ``pipeline [-C DIR] COMMAND``; the only module that prints and exits.

Exit status: 0 success, 1 content errors (a broken page, catalog, template or link),
2 usage or configuration errors. Diagnostics go to stderr, one per line, in the
``path:line:col: severity: message [code]`` form that editors and CI annotate.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

from .errors import PipelineError, error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without the 2 ms import of typing
if TYPE_CHECKING:
    import argparse

    from .build import BuildOptions
    from .config import Settings
    from .project import Outcome

# The stage modules (build, sync, project and what they pull in: Jinja, markdown-it-py,
# polib, lxml) are imported by the command that needs them, so that `pipeline check` on a
# warm cache starts in a few milliseconds instead of paying for the whole toolchain. The
# parser (argparse, with re and enum: 10 ms) and pathlib are loaded after a stored check run
# is known not to replay (``checkcommand.replay_launch``).


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
    from pathlib import Path

    from .config import configured_locale, load_settings, not_source_locale, with_locales

    overrides = {
        "source": args.source,
        "locales": args.locales,
        "templates": args.templates,
        "out": args.out,
        "source_locale": args.source_locale,
    }
    settings = load_settings(Path(args.directory), overrides, check_locales)
    named = [*(getattr(args, "locale", None) or ()), *([args.import_locale] if args.command == "import" else [])]
    for name in named if check_locales else ():
        configured_locale(settings, name, any_pseudo=args.command in ("build", "all", "check"))
    if getattr(args, "locale", None):
        settings = with_locales(settings, args.locale)
        for name in args.locale if args.command in ("init", "update", "stats") else ():
            not_source_locale(settings, name)
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
    from .sync import run_extract
    from .update import run_update

    return _combined(run_extract(settings, options.jobs), run_update(settings, options.jobs),
                     run_build(settings, options, progress))


def _combined(*stages: Outcome) -> Outcome:
    """The outcomes of stages run one after the other, as one."""
    from .project import Outcome

    outcome = Outcome()
    for stage in stages:
        outcome.diagnostics += stage.diagnostics
        outcome.written += stage.written
        outcome.lines += stage.lines
    return outcome


def _pipe_closed() -> int:
    """Output piped into ``head`` and the like was closed early: not an error of ours."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


# the commands that write files (``write_atomic``): a run of one killed midway is cleaned up after
WRITING_COMMANDS = ("extract", "update", "init", "import", "build", "all")


def _run_command(args: argparse.Namespace, settings: Settings, typed: Sequence[str] = (), known: tuple | None = None) -> int:
    """Run the parsed command; its exit status."""
    if args.command == "extract":
        from .sync import run_extract

        return _report(run_extract(settings))
    if args.command in ("update", "init"):
        from .update import run_update

        if args.command == "init":  # as msginit, from templates: made first if a page has none yet
            from .sync import run_extract

            return _report(_combined(run_extract(settings), run_update(settings)))
        return _report(run_update(settings))
    if args.command == "stats":
        from .project import Outcome
        from .stats import collect_stats, format_json, format_table

        diagnostics: list = []
        rows = collect_stats(settings, diagnostics)
        print(format_json(rows) if args.format == "json" else format_table(rows))
        return _report(Outcome(diagnostics=diagnostics))
    if args.command == "import":
        from pathlib import Path

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
    print(f"pipeline: unknown command {args.command}", file=sys.stderr)  # argparse lets none through
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    typed = list(sys.argv[1:] if argv is None else argv)
    known = None  # the state of a check's files (runrecord.tree_state and content digests), once made
    if "check" in typed[:3]:  # the same check typed again on unchanged files: its stored report
        from .checkcommand import replay_launch

        try:
            status, known = replay_launch(typed)
        except BrokenPipeError:
            return _pipe_closed()
        if status is not None:
            return status
    from .cliparser import make_parser

    parser = make_parser()
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
        if args.command in WRITING_COMMANDS:
            from .interrupted import noted_run

            with noted_run(settings.out / ".cache", (settings.out, settings.locales)):
                return _run_command(args, settings)
        return _run_command(args, settings, typed, known)
    except PipelineError as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 2 if exc.diagnostic.code.startswith("config.") else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # an OSError too: first
        return _pipe_closed()
    except OSError as exc:  # a file we could not read or write that no stage located: still one line
        from pathlib import Path

        where = settings.display(Path(exc.filename)) if exc.filename else "<file>"
        print(error(where, 1, 1, str(exc.strerror or exc), "io.error").diagnostic.format(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
