"""What ``pipeline check`` keeps in its cache (``out/.cache/links*.json``) and reads back.

In: findings, source-check hits, and the reports of built pages' findings (``Direct`` or
``Merged``). Out: the same as JSON data, and back. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from .linkscan import decode_link, encode_link
from .diagnostics import Diagnostic, Location
from .reports import Finding
from .treecheck import Hit

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .provenance import Attribution


@dataclass(frozen=True)
class Direct:
    """A built page's finding, reported as it is."""

    finding: Finding


@dataclass(frozen=True)
class Merged:
    """A translation's problem seen in a built page: reported once at its PO entry, with the
    positions of every format that shows it (``pipeline.checkoutputs`` merges them)."""

    code: str
    result: Attribution
    severity: str
    shown: str
    target: str
    position: str


def encode_findings(findings: list[Finding]) -> list[list[object]]:
    return [[f.diagnostic.location.path, f.diagnostic.location.line, f.diagnostic.location.column,
             f.diagnostic.severity, f.diagnostic.message, f.diagnostic.code, f.checked, f.target] for f in findings]


def decode_findings(data: list) -> list[Finding]:
    return [Finding(Diagnostic(Location(path, int(line), int(column)), severity, message, code), checked, target)
            for path, line, column, severity, message, code, checked, target in data]


def encode_broken(errors: dict[str, Finding], pages) -> dict[str, list]:
    """The errors of those of ``pages`` that could not be parsed (``errors``: page -> its
    error), as a stored result keeps them (``broken``, ``broken_findings``)."""
    broken = sorted(page for page in pages if page in errors)
    return {"broken": broken, "broken_findings": encode_findings([errors[page] for page in broken])}


def decode_broken(stored: dict) -> dict[str, Finding]:
    """``encode_broken``'s errors back, by page."""
    return dict(zip(stored["broken"], decode_findings(stored["broken_findings"]), strict=True))


def encode_report(report: Direct | Merged) -> list:
    if isinstance(report, Direct):
        return ["finding", *encode_findings([report.finding])[0]]
    where = report.result.location
    return ["merge", report.code, where.path, where.line, where.column, report.result.message, report.result.cause,
            report.result.source_line, report.severity, report.shown, report.target, report.position]


def decode_report(data: list) -> Direct | Merged:
    if data[0] == "finding":
        return Direct(decode_findings([data[1:]])[0])
    from .provenance import Attribution  # a built page's finding: the check of outputs has loaded it

    _, code, path, line, column, message, cause, source_line, severity, shown, target, position = data
    result = Attribution(Location(path, int(line), int(column)), message, cause, int(source_line))
    return Merged(code, result, severity, shown, target, position)


def encode_hit(hit: Hit) -> list[object]:
    d = hit.diagnostic
    return [d.location.line, d.location.column, d.severity, d.message, d.code,
            encode_link(hit.link) if hit.link else None, hit.occurrence]


def decode_hit(page: str, shown: str, data: list) -> Hit:
    line, column, severity, message, code, link, occurrence = data
    return Hit(page, Diagnostic(Location(shown, int(line), int(column)), severity, message, code),
               decode_link(link) if link else None, int(occurrence))
