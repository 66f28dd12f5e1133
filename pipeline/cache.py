"""The incremental-build cache: what each (locale, page) was built from, by content hash.

In: the bytes of a unit's inputs (source page, included pages, PO files, templates,
settings, our version). Out: a fingerprint, and a JSON file under ``out/.cache/`` that maps
each unit to its fingerprint, the files it wrote, the pages it includes and its coverage.
A unit whose fingerprint is unchanged and whose outputs still exist is not rebuilt.
Timestamps are never trusted; ``make clean`` (removing ``out/``) drops the cache.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .digests import blake2b
from .files import read_bytes, write_atomic
from .model import Diagnostic, Location, Stats

CACHE_FORMAT = 10  # 2: findings, 3: site files, 4: alternates, 5: outputs behind, 6: coverage key, 7: marks, 8: include findings,
# 9: stats count the translations QA rejects (``model.Stats.rejected``), 10: stats with the files pasted


@dataclass(frozen=True)
class UnitRecord:
    fingerprint: str
    outputs: tuple[str, ...]
    includes: tuple[str, ...] = ()
    stats: tuple[int, ...] = ()  # ``model.Stats.as_tuple``: its coverage counts no translation QA rejects
    skipped: bool = False
    title: str = ""  # translated title, for the locale index
    assets: tuple[str, ...] = ()  # source files the built HTML shows (images, downloads)
    has_errors: bool = False  # the page has an error table (for the error catalogs)
    # the QA findings of the page's translations in this locale, as (path, line, column,
    # severity, message, code): an up-to-date unit reports them again, so every build of a
    # broken translation fails, not only the one that built it
    findings: tuple[tuple[str, int, int, str, str, str], ...] = ()
    # the locales the page was published in when this unit was built, which its alternates
    # and language switcher name (``build.page_locales``): when they change (a locale crossed
    # --min-coverage), the unit is built again though none of its inputs changed
    alternates: tuple[str, ...] = ()
    # outputs an earlier build wrote from other inputs, in formats this unit's last build was
    # not asked for (``build --format``): left as they are, not taken for stale ones (removed),
    # and built again by the next build that asks for their format
    behind: tuple[str, ...] = ()
    # the key its ``findings`` were reviewed under (``review.review_key``; "" when the locale
    # has no catalog of the page): ``pipeline check`` takes them while its own key is the same
    review: str = ""
    # what ``stats`` and ``pasted_stats`` were computed from (``build.coverage_key``: the bytes
    # of the page, of the files it pastes (``includes``) and of their catalogs, the settings, the
    # glossary, our code): the build decides which pages every unit's links fall
    # back for (``build.decide_withheld``) before any unit is checked or built, by the stats
    # of a record made from the same inputs, whatever else of the unit changed
    coverage_key: str = ""
    # the errors of includes its page's Markdown and HTML leave as links (``includes``: a loop,
    # past the limits), as ``findings``: an up-to-date unit reports them again
    include_findings: tuple[tuple[str, int, int, str, str, str], ...] = ()
    # ``stats`` with those of the files its build pastes, once per paste at every depth
    # (``units.Workshop.page_stats``): the coverage its notice, the locale index and
    # --min-coverage show and gate on; () when it pastes none (then ``stats``). ``stats``
    # stays its own catalog's, which a locale's total adds up (each catalog once)
    pasted_stats: tuple[int, ...] = ()

    def page_stats(self) -> Stats:
        """The page's stats as readers see it, the files it pastes counted (``pasted_stats``)."""
        return Stats(*(self.pasted_stats or self.stats))

    @staticmethod
    def keep_findings(diagnostics: Iterable[Diagnostic]) -> tuple[tuple[str, int, int, str, str, str], ...]:
        return tuple((d.location.path, d.location.line, d.location.column, d.severity, d.message, d.code)
                     for d in diagnostics)

    def reported(self) -> list[Diagnostic]:
        return [Diagnostic(Location(path, line, column), severity, message, code)
                for path, line, column, severity, message, code in (*self.findings, *self.include_findings)]


@dataclass
class BuildCache:
    path: Path
    units: dict[str, UnitRecord] = field(default_factory=dict)
    # the site files (indexes, error catalogs, stylesheets, copied images) the last build
    # wrote, and the fingerprint of what they were made from
    site_outputs: tuple[str, ...] = ()
    site_fingerprint: str = ""
    # whether each file the last build's fingerprints read has links whose built form depends
    # on the page list (``filedigests.mark_key`` -> its mark), and what they all depend on
    # (``filedigests.marks_key``): a file not changed since is not scanned again
    marks: dict[str, bool] = field(default_factory=dict)
    marks_key: str = ""

    @staticmethod
    def key(locale: str, page: str) -> str:
        return f"{locale}\t{page}"

    def save(self) -> None:
        data = {
            "format": CACHE_FORMAT,
            "version": __version__,
            "units": {k: dict(vars(v)) for k, v in sorted(self.units.items())},  # asdict deep-copies: 44 ms against 1 ms for 1,728 units
            "site": {"fingerprint": self.site_fingerprint, "outputs": list(self.site_outputs)},
            "marks": {"key": self.marks_key, "files": self.marks},
        }
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


def _findings(rows) -> tuple[tuple[str, int, int, str, str, str], ...]:
    """Stored findings (``UnitRecord.findings``, ``include_findings``) read back with their types."""
    return tuple((str(p), int(l), int(c), str(sv), str(m), str(code)) for p, l, c, sv, m, code in rows)


def load_cache(path: Path) -> BuildCache:
    """The cache at ``path``; an unreadable or foreign one is an empty cache."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT or data.get("version") != __version__:
            return BuildCache(path)
        units = {
            k: UnitRecord(v["fingerprint"], tuple(v["outputs"]), tuple(v.get("includes", ())),
                          tuple(v.get("stats", ())), bool(v.get("skipped", False)), str(v.get("title", "")),
                          tuple(v.get("assets", ())), bool(v.get("has_errors", False)),
                          _findings(v.get("findings", ())),
                          tuple(str(locale) for locale in v.get("alternates", ())),
                          tuple(str(output) for output in v.get("behind", ())), str(v.get("review", "")),
                          str(v.get("coverage_key", "")), _findings(v.get("include_findings", ())),
                          tuple(int(n) for n in v.get("pasted_stats", ())))
            for k, v in data["units"].items()
        }
        site = data.get("site", {})
        marks = data.get("marks", {})
        return BuildCache(path, units, tuple(str(o) for o in site.get("outputs", ())), str(site.get("fingerprint", "")),
                          {str(k): bool(v) for k, v in marks.get("files", {}).items()}, str(marks.get("key", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # AttributeError: JSON of another shape
        return BuildCache(path)


SHARD_RECORDS = "build-*-of-*.json"  # the build caches of CI shard jobs, beside build.json


def shard_records_entry(cache_dir: str | Path) -> str:
    """The shard records of ``cache_dir`` as a ``runrecord.tree_state`` files entry: the files
    the pattern matches when a run is fingerprinted again, not those there when it was stored."""
    import glob
    import os

    from .runrecord import GLOB

    return GLOB + os.path.join(glob.escape(os.path.abspath(cache_dir)), SHARD_RECORDS)


def build_records(cache_dir: Path) -> list[Path]:
    """The build caches in ``cache_dir``: the whole build's and those of CI shard jobs whose
    ``out/`` trees were merged (``build-K-of-N.json``)."""
    return [cache_dir / "build.json", *sorted(cache_dir.glob(SHARD_RECORDS))]


def merged_units(paths: Iterable[Path]) -> dict[str, UnitRecord]:
    """The units of the build caches at ``paths`` (``build_records``: the whole build's cache,
    then the shards'); a unit several hold counts as the last of them holds it: a shard's
    record is newer than the whole build's, which removes the shard records it merges."""
    units: dict[str, UnitRecord] = {}
    for path in paths:
        units.update(load_cache(path).units)
    return units


def withheld_pages(units: dict[str, UnitRecord]) -> dict[str, frozenset[str]]:
    """Per locale, the pages the last build left out under ``--min-coverage`` (by the units of
    its caches, merged as the build merges them: ``merged_units``)."""
    found: dict[str, set[str]] = {}
    for key, record in units.items():
        if record.skipped:
            locale, page = key.split("\t", 1)
            found.setdefault(locale, set()).add(page)
    return {locale: frozenset(pages) for locale, pages in found.items()}


def digest(*parts: bytes | str) -> str:
    h = blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """Digest of a file's bytes, or a marker for a missing file."""
    return bytes_digest(read_bytes(path))


def bytes_digest(data: bytes | None) -> str:
    """``file_digest`` of bytes already read (None: no file)."""
    return "-" if data is None else digest(data)


def tree_digest(root: Path | None, pattern: str = "*") -> str:
    """Digest of every file below ``root`` (names and bytes), e.g. a templates folder."""
    if root is None or not root.is_dir():
        return "-"
    parts: list[bytes | str] = []
    for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
        parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return digest(*parts)


@functools.cache
def code_digest() -> str:
    """Our own version: the package's code and packaged templates, so an upgrade (or a
    developer's edit) invalidates what older code built. Read once per process (``pipeline
    all`` asks in extract, update and build): the code running does not change during a run."""
    package = Path(__file__).parent
    return digest(__version__, tree_digest(package, "*.py"), tree_digest(package / "templates"))
