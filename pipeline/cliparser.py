"""The command line's grammar: ``pipeline [-C DIR] COMMAND [options]``, for ``pipeline.cli``.

A module of its own so that a replayed ``check`` (``pipeline.checkcommand.replay_launch``),
which needs no parsing, does not load argparse.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, the terminal's width found without importing shutil (2 ms
    of imports that every command would pay)."""

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
    """An argument parser (and, being its class, each subcommand's) with that formatter,
    whose usage errors are one located line like every other error of ours (exit 2)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        # no abbreviations: with the folder options after the command too, "check --out F"
        # (meant as --output) would set the out folder, and "--loc" would be ambiguous
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # argparse's: the usage, then "prog: error: message"
        self.exit(2, f"<command line>:1:1: error: {message}; see '{self.prog} --help' [config.usage]\n")


def _project_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """``-C DIR`` and the folder overrides: before the command (``defaults``) or after it,
    where a value given wins and none changes nothing (``SUPPRESS``)."""
    unset = {} if defaults else {"default": argparse.SUPPRESS}
    parser.add_argument("-C", dest="directory", metavar="DIR", help="run on the project in DIR",
                        **({"default": "."} if defaults else unset))
    for option in ("source", "locales", "templates", "out"):
        parser.add_argument(f"--{option}", metavar="DIR", help=f"override the '{option}' folder setting", **unset)
    parser.add_argument("--source-locale", metavar="LOCALE", help="override the 'source_locale' setting", **unset)


def make_parser() -> argparse.ArgumentParser:
    """The parser of ``pipeline``'s command line, each subcommand with its options; ``-C``
    and the folder overrides go before the command or after it."""
    parser = _Parser(prog="pipeline", description="Localize a documentation tree through gettext PO files.")
    parser.add_argument("--version", action="version", version=f"pipeline {__version__}")
    _project_options(parser, defaults=True)
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
    for sub in commands.choices.values():
        _project_options(sub, defaults=False)
    return parser


def _build_options(build: argparse.ArgumentParser) -> None:
    build.add_argument("--locale", action="append", metavar="LOCALE", help="only this target locale (repeatable)")
    build.add_argument("-j", "--jobs", type=job_count, default=0, metavar="N", help="worker processes (default: all cores)")
    build.add_argument("--shard", type=_shard, default=(1, 1), metavar="K/N",
                       help="build only the K-th of N deterministic parts of the pages")
    build.add_argument("--format", dest="formats", action="append", choices=("frontmatter", "markdown", "html"),
                       help="build only this output format (repeatable; default: all three)")
    build.add_argument("--min-coverage", type=_percentage, default=0.0, metavar="PERCENT",
                       help="do not publish a page in a locale translated below PERCENT")


def job_count(text: str) -> int:
    """-j N: a count of worker processes, 0 for all cores (a negative one would reach the
    process pool and end in a traceback)."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes (0: all cores)")
    return jobs


def _percentage(text: str) -> float:
    """--min-coverage: a percentage from 0 to 100 (150 or nan would publish no page at all,
    -5 or -inf every page: a mistake either way)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 100.0:  # false for nan too
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage (0 to 100)")
    return value


def _shard(text: str) -> tuple[int, int]:
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not K/N") from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"'{text}': K must be between 1 and N")
    return k, n
