"""``pipeline check``'s options as the run uses them, and its usage errors.

In: ``Settings`` and the parsed command line. Out: ``CheckOptions`` (the site map, the
redirects, the baseline file, the pages and PO files named), the baseline's keys and the
inventory's URLs; or a ``UsageError``, located at the file or at ``<command line>``, that
makes the command exit 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .config import Settings, configured_locale
from .errors import PipelineError, error
from .files import decode_text, is_page, resolved, under
from .links import REDIRECTION_FILE, load_redirects, parse_site_map
from .reports import parse_baseline

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse


class UsageError(PipelineError):
    """A bad option or configuration, located at the file or at ``<command line>``: exit 2."""


def usage_error(where: str, message: str, code: str, line: int = 1, column: int = 1) -> UsageError:
    return UsageError(error(where, line, column, message, code).diagnostic)


@dataclass(frozen=True)
class CheckOptions:
    """The options a check runs with, from the command line and the settings."""

    site_map: dict[str, str]
    redirects: dict[str, str]
    baseline: Path | None
    pages: frozenset[str] | None  # None: all
    locales_of_page: Mapping[str, frozenset[str]] = field(default_factory=dict)  # PO files named


def check_options(settings: Settings, args: argparse.Namespace) -> CheckOptions:
    if args.site_map:
        bad = [entry for entry in args.site_map if "=" not in entry or not entry.split("=", 1)[0].strip()]
        if bad:
            raise usage_error("<command line>", f"--site-map '{bad[0]}': expected PREFIX=FOLDER, e.g. "
                         "/intune/deploy-use=InTuneDocs/DeployUse", "config.site-map")
        site_map = parse_site_map(args.site_map)
    else:
        site_map = parse_site_map(dict(settings.site_map))
    redirects_file = Path(args.redirects) if args.redirects else settings.redirects
    if redirects_file is None and (settings.source / REDIRECTION_FILE).is_file():
        redirects_file = settings.source / REDIRECTION_FILE
    redirects: dict[str, str] = {}
    if redirects_file is not None:
        try:
            redirects = load_redirects(redirects_file)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            message, line, column = _what_went_wrong(exc)
            raise usage_error(settings.display(redirects_file), f"cannot read the redirection file: {message}",
                         "config.redirects", line, column) from None
    baseline = resolved(Path(args.baseline), keep_name=True) if args.baseline else settings.baseline
    pages, locales_of_page = selected_pages(settings, args.files)
    return CheckOptions(site_map, redirects, baseline, pages, locales_of_page)


def selected_pages(settings: Settings, files: list[str]) -> tuple[frozenset[str] | None, dict[str, frozenset[str]]]:
    """Source pages named by ``files`` (source pages themselves, or PO files of a page; a
    folder stands for those in it). A name that does not exist is a usage error, as in
    linters: a CI job that names a deleted file must not pass having checked nothing."""
    if not files:
        return None, {}
    pages: set[str] = set()
    locales: dict[str, set[str]] = {}
    named: list[tuple[Path, str | None]] = []  # each file, and its name when given as a file
    for name in files:
        try:
            path = (Path(name) if Path(name).is_absolute() else Path.cwd() / name).resolve()
        except RuntimeError:  # pathlib's "Symlink loop"
            raise usage_error(name, "symbolic link loop", "config.files") from None
        if not path.exists():
            raise usage_error(name, "no such file or folder", "config.files")
        named += [(found, None) for found in _files_in(path, settings)] if path.is_dir() else [(path, name)]
    for path, given in named:
        for root, kind in ((settings.source, "page"), (settings.locales, "po")):
            try:
                relative = path.relative_to(root).as_posix()
            except ValueError:
                continue
            if kind == "page" and is_page(relative) and not under(relative, settings.inside_source):
                pages.add(relative)
                locales.setdefault(relative, set()).add("*")
            elif kind == "po" and relative.endswith(".po") and "/" in relative:
                locale, rest = relative.split("/", 1)
                if locale not in settings.published_locales:  # the catalog of no locale of the site
                    if given is not None:  # named: it would pass unchecked (in a folder: not ours to check)
                        configured_locale(settings, locale, given)
                    continue
                page = rest[:-3] + ".md"
                pages.add(page)
                locales.setdefault(page, set()).add(locale)
    return frozenset(pages), {page: frozenset(names) for page, names in locales.items()}


def _files_in(folder: Path, settings: Settings) -> list[Path]:
    """The source pages (``project.source_pages``) and PO files in ``folder``: all of a tree
    the folder holds, those under it when it is inside one (other files: none)."""
    from .project import source_pages

    source, locales = settings.source.resolve(), settings.locales.resolve()
    found: list[Path] = []
    if folder == source or folder in source.parents or source in folder.parents:
        found += [source / page for page in source_pages(settings)]
    if folder == locales or folder in locales.parents or locales in folder.parents:
        found += sorted(locales.rglob("*.po"))
    return [path for path in found if folder == path or folder in path.parents]


def read_baseline(path: Path, settings: Settings) -> set[str]:
    try:
        return parse_baseline(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise usage_error(settings.display(path), "baseline file does not exist; create it with --update-baseline",
                     "config.baseline") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        message, line, column = _what_went_wrong(exc)
        raise usage_error(settings.display(path), f"cannot read the baseline file: {message}", "config.baseline",
                          line, column) from None


def _what_went_wrong(exc: Exception) -> tuple[str, int, int]:
    """A reading error's message and place: a JSON error says where the parser stopped (its
    own message repeats it as "line 2 column 1 (char 9)", which the place replaces); others
    are placed at 1:1."""
    message = getattr(exc, "msg", None) or getattr(exc, "strerror", None) or str(exc)
    return message, getattr(exc, "lineno", 1), getattr(exc, "colno", 1)


def read_inventory(name: str) -> frozenset[str]:
    try:
        return load_inventory(Path(name))
    except OSError as exc:
        raise usage_error(name, f"cannot read the inventory: {exc.strerror or exc}", "config.inventory") from None


# --- the run ---------------------------------------------------------------------------------


def load_inventory(path: Path) -> frozenset[str]:
    """Known external URLs: one a line, blank lines and ``#`` comments ignored."""
    lines = decode_text(path.read_bytes(), str(path), "config.inventory").splitlines()
    return frozenset(url_key(line.strip()) for line in lines if line.strip() and not line.lstrip().startswith("#"))


def url_key(url: str) -> str:
    """A URL as the inventory compares it: no fragment, scheme and host in lower case."""
    parts = urlsplit(url.split("#", 1)[0])
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}" + (f"?{parts.query}" if parts.query else "")
