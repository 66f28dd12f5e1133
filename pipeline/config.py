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
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import error
from .files import decode_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: annotations are strings here
if TYPE_CHECKING:
    from typing import Any

    from babel import Locale


PSEUDO_LOCALES = ("qps-ploc", "qps-plocm")
DEFAULT_TRANSLATE_KEYS = ("title", "description")


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
    config_file: str = "pyproject.toml"
    project: str = "docs"
    # each folder and file setting as written (joined to the root) and what it resolved to: a
    # re-pointed symbolic link changes what the settings mean though the settings files did not
    written_paths: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def display(self, path: Path) -> str:
        """A path as shown in diagnostics: relative to the project when inside it."""
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep) and ".." not in text:  # already normal: relpath would only cut
            return text[len(root) + 1:].replace(os.sep, "/")
        relative = os.path.relpath(path, self.root)
        return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()

    @property
    def all_locales(self) -> tuple[str, ...]:
        return (self.source_locale,) + tuple(l for l in self.target_locales if l != self.source_locale)


def babel_locale(name: str, where: str = "<settings>") -> Locale:
    """Babel's locale for a BCP 47 tag; raises a located error for an unknown one."""
    from babel import UnknownLocaleError  # 7 ms of imports: only when a locale is checked

    try:
        return parse_locale(name)
    except (UnknownLocaleError, ValueError, TypeError):
        raise error(where, 1, 1, f"unknown locale '{name}'", "config.locale") from None


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
    data: dict[str, Any] = {}
    config_file = "pyproject.toml"
    project = root.name
    for name, section in (("pipeline.toml", None), ("pyproject.toml", ("tool", "pipeline"))):
        path = root / name
        if not path.is_file():
            continue
        try:
            raw = tomllib.loads(decode_text(path.read_bytes(), name, "config.toml"))
        except tomllib.TOMLDecodeError as exc:
            where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))  # Python < 3.14 has no lineno
            line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
            raise error(name, line, col, f"invalid TOML: {exc.args[0].split(' (at')[0]}", "config.toml") from None
        if section:
            project = str(raw.get("project", {}).get("name", project))
            raw = raw.get(section[0], {}).get(section[1], {})
        data, config_file = raw, name
        break
    data = {**data, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    settings = replace(_settings_from(root, data, config_file), project=str(data.get("project", project)))
    if check_locales:
        check_locale_names(settings)
    if settings.out.exists() and not settings.out.is_dir():
        raise error(config_file, 1, 1, f"output folder '{settings.display(settings.out)}' is not a folder "
                    "(setting 'out')", "config.out")
    if not settings.source.is_dir():
        raise error(config_file, 1, 1, f"source folder '{settings.display(settings.source)}' does not exist "
                    "(setting 'source')", "config.source")
    return settings


def _settings_from(root: Path, data: dict[str, Any], config_file: str) -> Settings:
    known = {
        "source", "locales", "templates", "out", "source_locale", "target_locales",
        "translate_keys", "site_map", "redirects", "glossary", "baseline", "project",
    }
    for key in data:
        if key not in known:
            raise error(config_file, 1, 1, f"unknown setting '{key}'", "config.unknown")

    written: list[tuple[str, str]] = []

    def resolve(value: str) -> Path:
        path = (root / value).resolve()
        written.append((str(root / value), str(path)))
        return path

    def folder(key: str, default: str) -> Path:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise error(config_file, 1, 1, f"setting '{key}' must be a folder name", "config.type")
        return resolve(value)

    source_locale = str(data.get("source_locale", "en-US"))
    targets = data.get("target_locales", [])
    if isinstance(targets, str):
        targets = [t for t in targets.replace(",", " ").split() if t]
    site_map = data.get("site_map", {})
    if not isinstance(site_map, dict):
        raise error(config_file, 1, 1, "setting 'site_map' must be a table of URL prefix = folder", "config.type")
    optional = {k: resolve(data[k]) if data.get(k) else None for k in ("redirects", "glossary", "baseline")}
    folders = {key: folder(key, key) for key in ("source", "locales", "templates", "out")}
    settings = Settings(
        root=root,
        **folders,
        source_locale=source_locale,
        target_locales=tuple(str(t) for t in targets),
        translate_keys=tuple(str(k) for k in data.get("translate_keys", DEFAULT_TRANSLATE_KEYS)),
        site_map=tuple(sorted(((str(k), str(v)) for k, v in site_map.items()), key=lambda kv: -len(kv[0]))),
        redirects=optional["redirects"],
        glossary=optional["glossary"],
        baseline=optional["baseline"],
        config_file=config_file,
        written_paths=tuple(written),
    )
    return settings


def check_locale_names(settings: Settings) -> None:
    """Every locale is one Babel knows (or a pseudo-locale); else an error located at the
    settings file."""
    for name in settings.all_locales:
        if name not in PSEUDO_LOCALES:
            babel_locale(name, settings.config_file)


def with_locales(settings: Settings, locales: list[str], check: bool = True) -> Settings:
    """Restrict a run to some target locales (``--locale``), each one validated unless
    ``check=False`` (see ``load_settings``)."""
    if check:
        for name in locales:
            if name not in PSEUDO_LOCALES:
                babel_locale(name, "<command line>")
    return replace(settings, target_locales=tuple(locales))
