"""Settings: ``[tool.pipeline]`` of ``pyproject.toml`` or the top level of ``pipeline.toml``.

In: a project folder (and command-line overrides). Out: a frozen ``Settings`` with
absolute folders. ``pipeline.toml`` wins when both files exist. Locale names are BCP 47
tags (``fr-FR``); an unknown one is an error, checked against Babel's locale data.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import PipelineError, error
from .files import decode_text, read_optional, resolved

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: annotations are strings here
if TYPE_CHECKING:
    from typing import Any

    from babel import Locale


PSEUDO_LOCALES = ("qps-ploc", "qps-plocm")
DEFAULT_TRANSLATE_KEYS = ("title", "description")


@dataclass(frozen=True)
class Places:
    """Where the settings were given, for errors located at the setting at fault: the
    settings file's name and text (tomllib keeps no positions, so a key's line is searched
    for: a key at the start of a line, from the ``[tool.pipeline]`` header on), and the
    settings that came from the command line instead (located at ``<command line>:1:1``)."""

    file: str = "pyproject.toml"
    text: str = ""
    start: int = 0  # where the settings' table starts in ``text``
    written: frozenset[str] = frozenset()  # the settings the file sets
    command_line: frozenset[str] = frozenset()

    def of(self, *keys: str) -> tuple[str, int]:
        """The file and line of the first of ``keys`` given on the command line, else of the
        first written in the file (line 1 when none is found)."""
        for key in keys:
            if key in self.command_line:
                return "<command line>", 1
        for key in keys:
            line = key_line(self.text, key, self.start) if key in self.written else 0
            if line:
                return self.file, line
        return self.file, 1

    def of_entry(self, table: str, key: str) -> tuple[str, int]:
        """The file and line of ``key`` in the table setting ``table`` (``site_map``)."""
        _, line = self.of(table)
        return self.file, key_line(self.text, key, _line_start(self.text, line)) or line


def key_line(text: str, key: str, start: int = 0) -> int:
    """The line of the first ``key = ...`` (or ``[... key]`` table header) at or after
    ``start`` in a TOML text, 0 when there is none."""
    name = re.escape(key)
    found = re.compile(rf"""^[ \t]*(?:{name}|"{name}"|'{name}')[ \t]*=|^[ \t]*\[(?:[^\]\n]*\.)?[ \t]*{name}[ \t]*\]""",
                       re.MULTILINE).search(text, start)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def _line_start(text: str, line: int) -> int:
    """The offset of line ``line`` (1-based) in ``text``."""
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


@dataclass(frozen=True)
class Settings:
    root: Path
    source: Path
    locales: Path
    templates: Path
    out: Path
    source_locale: str = "en-US"
    target_locales: tuple[str, ...] = ()
    translate_keys: tuple[str, ...] = DEFAULT_TRANSLATE_KEYS
    site_map: tuple[tuple[str, str], ...] = ()
    redirects: Path | None = None
    glossary: Path | None = None
    baseline: Path | None = None  # known findings of ``pipeline check`` (see pipeline/reports.py)
    # where out/html/ is published ("https://docs.example.com/product/", with its final "/"):
    # the pages' hreflang alternates and canonical link are full URLs there, as search engines
    # want them; "" keeps them relative
    site_url: str = ""
    config_file: str = "pyproject.toml"
    project: str = "docs"
    # each folder and file setting as written (joined to the root) and what it resolved to: a
    # re-pointed symbolic link changes what the settings mean though the settings files did not
    written_paths: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)
    # the site's locales when a run is restricted to some (``with_locales``): every page still
    # names all of them as its alternates, as a full build writes it
    site_locales: tuple[str, ...] = ()
    places: Places = field(default=Places(), repr=False, compare=False)  # for located setting errors

    def display(self, path: Path) -> str:
        """A path as shown in diagnostics: relative to the project when inside it."""
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep) and ".." not in text:  # already normal: relpath would only cut
            return text[len(root) + 1:].replace(os.sep, "/")
        relative = os.path.relpath(path, self.root)
        return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()

    @functools.cached_property
    def inside_source(self) -> tuple[str, ...]:
        """The folders of ours that lie inside the source folder (``out``, ``locales``,
        ``templates``), source-relative: no page or file of theirs is a source page or file,
        as Sphinx leaves its ``_build`` out (else each run extracted the last one's output).
        Made once per settings (it is asked per named file and per copied image)."""
        folders = {f.relative_to(self.source).as_posix() for f in (self.out, self.locales, self.templates)
                   if self.source in f.parents}
        return tuple(sorted(folders))

    def relocatable_key(self) -> str:
        """``repr`` of the settings with the folders and files inside the project relative to
        it: what the build's fingerprints hold, so that a project moved or checked out in
        another folder (CI shards merged elsewhere) is still up to date. Paths outside the
        project stay absolute."""
        def relative(value: object) -> object:
            if isinstance(value, Path) and (value == self.root or self.root in value.parents):
                return value.relative_to(self.root).as_posix()
            return value

        # Which locales this run builds (``--locale``) is no input of a unit; the locales of
        # the site, which every page's alternates name, are.
        key = {f.name: relative(getattr(self, f.name)) for f in fields(self)
               if f.repr and f.name not in ("root", "target_locales", "site_locales")}
        key["published_locales"] = self.published_locales
        return repr(key)

    @property
    def all_locales(self) -> tuple[str, ...]:
        """The locales of this run: the source locale and the targets."""
        return (self.source_locale,) + tuple(l for l in self.target_locales if l != self.source_locale)

    @property
    def published_locales(self) -> tuple[str, ...]:
        """The locales of the site, whatever ``--locale`` restricts the run to: the
        language links and ``hreflang`` alternates of every page name them all."""
        return self.site_locales or self.all_locales


def babel_locale(name: str, where: str = "<settings>", line: int = 1) -> Locale:
    """Babel's locale for a BCP 47 tag; raises an error located at ``where:line`` for an
    unknown one."""
    from babel import UnknownLocaleError  # 7 ms of imports: only when a locale is checked

    try:
        locale = parse_locale(name)
    except (UnknownLocaleError, ValueError, TypeError):
        raise error(where, line, 1, f"unknown locale '{name}'", "config.locale") from None
    _check_form(name, bcp47_form(name), where, line)
    return locale


def check_locale(name: str, where: str, line: int = 1) -> None:
    """A locale name is a pseudo-locale or a tag Babel knows, written in BCP 47 form (else
    an error located at ``where:line``)."""
    pseudo = name.replace("_", "-").lower()
    if pseudo in PSEUDO_LOCALES:
        _check_form(name, pseudo, where, line)
    else:
        babel_locale(name, where, line)


def _check_form(name: str, canonical: str, where: str, line: int) -> None:
    """``de_DE`` and ``DE-de`` are Babel's ``de-DE`` too, but as folder names and keys they
    would be other locales than ``de-DE``: each locale has one spelling."""
    if name != canonical:
        raise error(where, line, 1, f"locale '{name}' is not in BCP 47 form: use '{canonical}'", "config.locale")


def bcp47_form(name: str) -> str:
    """A tag in BCP 47's form (RFC 5646, 2.1.1): hyphens; the language in lower case, a
    script in title case, a region in upper case, the rest (and all after a singleton such
    as ``x``) in lower case: ``zh_hans_cn`` -> ``zh-Hans-CN``."""
    parts = re.split(r"[-_]", name)
    form = [parts[0].lower()]
    for part in parts[1:]:
        if len(form[-1]) == 1 or len(part) == 1:  # a singleton and its extension
            form.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            form.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            form.append(part.upper())
        else:
            form.append(part.lower())
    return "-".join(form)


@functools.lru_cache(maxsize=None)
def parse_locale(name: str) -> Locale:
    """``Locale.parse`` of a BCP 47 tag, once per tag and process (a build asks for every page)."""
    from babel import Locale

    return Locale.parse(name.replace("-", "_"))


def po_language(name: str) -> str:
    """The PO ``Language`` header form of a locale tag: ``de-DE`` -> ``de_DE``."""
    return name.replace("-", "_")


def load_settings(root: Path, overrides: dict[str, Any] | None = None, check_locales: bool = True) -> Settings:
    """The project's settings; ``check_locales=False`` leaves the locale names unchecked (for
    a caller that may not need them: it loads the settings again, checked, when it does)."""
    root = root.resolve()
    if not root.is_dir():
        raise error(str(root), 1, 1, "no such project folder", "config.missing")
    data, places, project = _read_settings_file(root)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    places = replace(places, command_line=frozenset(given))
    data = {**data, **given}
    _check_types(data, places)
    settings = replace(_settings_from(root, data, places), project=data.get("project", project))
    _check_targets(settings)
    if check_locales:
        check_locale_names(settings)
    _check_folders(settings)
    return settings


def _read_settings_file(root: Path) -> tuple[dict[str, Any], Places, str]:
    """The settings table of ``pipeline.toml`` or else ``pyproject.toml`` (none: empty),
    where it was found, and the default project name (``[project] name``, else ``docs``: not
    the folder's, which differs between clones and CI jobs and would be written into every
    template's Project-Id-Version and the .mo domain)."""
    project = Settings.project
    for name, section in (("pipeline.toml", None), ("pyproject.toml", ("tool", "pipeline"))):
        data = _settings_bytes(root / name, name)
        if data is None:
            continue
        text = decode_text(data, name, "config.toml")
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))  # Python < 3.14 has no lineno
            line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
            raise error(name, line, col, f"invalid TOML: {exc.args[0].split(' (at')[0]}", "config.toml") from None
        if section is None:
            return raw, Places(name, text, written=frozenset(raw)), project
        package = raw.get("project")  # the packaging tools' table: its name, if it has one
        if isinstance(package, dict) and isinstance(package.get("name"), str):
            project = package["name"]
        # the table's header ("[[tool.pipeline]]" too, to locate that error)
        header = re.search(r"^[ \t]*\[\[?[ \t]*tool[ \t]*\.[ \t]*pipeline[ \t]*\]", text, re.MULTILINE)
        for depth, key in enumerate(section):
            raw = raw.get(key, {})
            if not isinstance(raw, dict):
                line = text.count("\n", 0, header.start()) + 1 if depth and header else key_line(text, key) or 1
                raise error(name, line, 1, f"'{'.'.join(section[:depth + 1])}' must be a table, not {_kind(raw)}",
                            "config.type")
        return raw, Places(name, text, header.start() if header else 0, frozenset(raw)), project
    return {}, Places(), project


def _settings_bytes(path: Path, name: str) -> bytes | None:
    """A settings file's bytes; None when nothing is there (``files.nothing_at``). One that is
    there but cannot be read (no permission, a dangling link, a link loop, a folder) is a
    usage error: it was taken for none, or a traceback, and a project run on the defaults
    (en-US, no target locale) deleted every locale's pages and wrote the source over en-US's."""
    try:
        return read_optional(path, name, "settings file")
    except PipelineError as exc:
        raise error(name, 1, 1, exc.diagnostic.message, "config.read") from None


_KNOWN = (
    "source", "locales", "templates", "out", "source_locale", "target_locales",
    "translate_keys", "site_map", "redirects", "glossary", "baseline", "project", "site_url",
)
_STRINGS = {
    **dict.fromkeys(("source", "locales", "templates", "out"), "a string (a folder)"),
    **dict.fromkeys(("redirects", "glossary", "baseline"), "a string (a file name)"),
    "source_locale": "a string (a locale such as 'en-US')",
    "project": "a string",
    "site_url": "a string (the URL out/html/ is published at)",
}
_LISTS = ("target_locales", "translate_keys")


def _kind(value: object) -> str:
    """What a TOML value is, as an error message names it."""
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}
    return kinds.get(type(value), "a date or time")


def _check_types(data: dict[str, Any], places: Places) -> None:
    """Every setting is known and of its type: a wrong one would fail far from here (an
    integer ``baseline`` in a path join) or, worse, be taken apart (the string
    ``translate_keys = "title"`` as the keys t, i, l, e)."""
    for key, value in data.items():
        if key not in _KNOWN:
            raise error(*places.of(key), 1, f"unknown setting '{key}'", "config.unknown")
        wrong = None
        if key in _STRINGS and not isinstance(value, str):
            wrong = f"{_STRINGS[key]}, not {_kind(value)}"
        elif key in _LISTS and not isinstance(value, list):
            wrong = f"a list of strings, not {_kind(value)}"
        elif key in _LISTS and any(not isinstance(item, str) for item in value):
            item = next(item for item in value if not isinstance(item, str))
            wrong = f"a list of strings, not a list holding {_kind(item)}"
        elif key == "site_map" and not isinstance(value, dict):
            wrong = f"a table of URL prefix = folder, not {_kind(value)}"
        if wrong:
            raise error(*places.of(key), 1, f"'{key}' must be {wrong}", "config.type")
    for prefix, folder in data.get("site_map", {}).items():
        if not isinstance(folder, str):
            raise error(*places.of_entry("site_map", prefix), 1, f"'site_map' must map URL prefixes to folders "
                        f"(strings): '{prefix}' is {_kind(folder)}", "config.type")
    site_url = data.get("site_url")
    if site_url and not _is_site_url(site_url):  # "" is the default: relative alternates
        raise error(*places.of("site_url"), 1, f"'site_url' must be an absolute http or https URL, not "
                    f"'{site_url}' (the URL the built HTML, out/html/, is published at: "
                    "'https://docs.example.com/product/')", "config.site-url")
    project = data.get("project")
    if project is not None and not _PLAIN_NAME.fullmatch(project):
        shown = '"' + project.replace("\\", "\\\\").replace('"', '\\"') + '"'
        raise error(*places.of("project"), 1, "'project' must be a plain name (letters, digits, '.', '-', '_'; "
                    f"not starting with '.'): it names each locale's .mo file, not {shown}", "config.project")


_PLAIN_NAME = re.compile(r"(?!\.)[\w.-]+")


def _is_site_url(value: str) -> bool:
    """An absolute http(s) URL with a host and no query, fragment or blank: what the built
    pages' locale folders are joined to (``Settings.site_url``)."""
    parts = urlsplit(value)
    return (parts.scheme in ("http", "https") and bool(parts.netloc) and "#" not in value and "?" not in value
            and not any(c.isspace() for c in value))


def _settings_from(root: Path, data: dict[str, Any], places: Places) -> Settings:
    """``Settings`` of the settings ``data``, their types checked (``_check_types``)."""
    written: list[tuple[str, str]] = []

    def resolve(value: str, file: bool = False) -> Path:
        path = resolved(root / value, keep_name=file)  # a file's link is read and written through
        written.append((str(root / value), str(path)))
        return path

    site_map = data.get("site_map", {})
    optional = {k: resolve(data[k], file=True) if data.get(k) else None for k in ("redirects", "glossary", "baseline")}
    folders = {key: resolve(data.get(key, key)) for key in ("source", "locales", "templates", "out")}
    return Settings(
        root=root,
        **folders,
        source_locale=data.get("source_locale", "en-US"),
        target_locales=tuple(data.get("target_locales", ())),
        translate_keys=tuple(data.get("translate_keys", DEFAULT_TRANSLATE_KEYS)),
        site_map=tuple(sorted(site_map.items(), key=lambda kv: -len(kv[0]))),
        redirects=optional["redirects"],
        glossary=optional["glossary"],
        baseline=optional["baseline"],
        site_url=data["site_url"].rstrip("/") + "/" if data.get("site_url") else "",
        config_file=places.file,
        written_paths=tuple(written),
        places=places,
    )


def _check_targets(settings: Settings) -> None:
    """Each target locale is listed once and is not the source locale: a locale built twice
    at once failed without a word, and the source locale has no PO files."""
    seen: set[str] = set()
    typed = "source_locale" in settings.places.command_line  # --source-locale: the command line is at fault
    for name in settings.target_locales:
        if name == settings.source_locale:
            raise error(*settings.places.of("source_locale" if typed else "target_locales"), 1,
                        f"the source locale '{name}' is also in 'target_locales'", "config.locale")
        if name in seen:
            raise error(*settings.places.of("target_locales"), 1, f"'target_locales' lists '{name}' twice",
                        "config.locale")
        seen.add(name)


def _check_folders(settings: Settings) -> None:
    """The output folder is a folder and holds none of the project's own (``make clean``
    removes it); the source folder exists."""
    out = settings.out
    for key in ("source", "locales", "templates"):
        folder = getattr(settings, key)
        if folder == out or out in folder.parents:
            place = "is the output folder" if folder == out else f"is inside the output folder '{settings.display(out)}'"
            at_fault = ("out", key) if out != settings.root / "out" else (key, "out")  # the one not left as it was
            raise error(*settings.places.of(*at_fault), 1, f"{key} folder '{settings.display(folder)}' {place}, "
                        "which 'make clean' deletes", "config.out")
    if settings.out.exists() and not settings.out.is_dir():
        raise error(*settings.places.of("out"), 1, f"output folder '{settings.display(settings.out)}' is not a "
                    "folder (setting 'out')", "config.out")
    if not settings.source.is_dir() and not settings.places.written and not settings.places.command_line:
        raise error(str(settings.root), 1, 1, "no project here: no pipeline.toml, no [tool.pipeline] in a "
                    "pyproject.toml, and no 'source' folder (run pipeline in the project's folder, or give -C DIR)",
                    "config.missing")
    if not settings.source.is_dir():
        raise error(*settings.places.of("source"), 1, f"source folder '{settings.display(settings.source)}' does "
                    "not exist (setting 'source')", "config.source")
    for key in ("locales", "templates"):  # missing is fine (a new project; the packaged templates)
        folder = getattr(settings, key)
        if folder.exists() and not folder.is_dir():
            raise error(*settings.places.of(key), 1, f"{key} folder '{settings.display(folder)}' is not a "
                        f"folder (setting '{key}')", f"config.{key}")


def check_locale_names(settings: Settings) -> None:
    """Every locale is one Babel knows (or a pseudo-locale); else an error located at the
    settings file."""
    for name in settings.all_locales:
        check_locale(name, *settings.places.of("source_locale" if name == settings.source_locale
                                               else "target_locales"))


def configured_locale(settings: Settings, name: str, where: str = "<command line>", any_pseudo: bool = False) -> None:
    """A locale given to a command (``--locale``, a PO file named to ``check``) is one of the
    settings': a typo (``es-ES`` for the French pages) made catalogs that no build used and
    that ``check`` passed unchecked. A new locale goes into ``target_locales`` first.
    ``any_pseudo``: a pseudo-locale may be named anyway (built from nothing, on demand)."""
    if name in PSEUDO_LOCALES:
        if any_pseudo:
            return
        raise error(where, 1, 1, f"'{name}' is a pseudo-locale: it is made from the source text and has no PO "
                    "files", "config.locale")
    check_locale(name, where)
    if name not in settings.published_locales:
        what = "add it there first" if where == "<command line>" else "its catalogs are neither built nor checked"
        raise error(where, 1, 1, f"locale '{name}' is not in target_locales ({settings.config_file}): {what}",
                    "config.locale")


def not_source_locale(settings: Settings, name: str) -> None:
    """A locale given for its PO files (``init``, ``update``, ``stats``, ``import``) is a
    target: the source locale's text is the msgids themselves."""
    if name == settings.source_locale:
        raise error("<command line>", 1, 1, f"'{name}' is the source locale: it has no PO files", "config.locale")


def with_locales(settings: Settings, locales: list[str]) -> Settings:
    """Restrict a run to some target locales (``--locale``, checked by the caller:
    ``configured_locale``). A locale typed twice is one; the source locale, always built, is
    not a target (``build --locale <source>`` builds it alone)."""
    targets = (name for name in dict.fromkeys(locales) if name != settings.source_locale)
    return replace(settings, target_locales=tuple(targets),
                   site_locales=settings.published_locales)
