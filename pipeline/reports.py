"""Findings of ``pipeline check`` -> report text (text, JSON, GitHub annotations, JUnit XML),
and the baseline of known findings.

In: ``Finding`` records (a ``Diagnostic`` plus the file whose check produced it and the link
target it is about). Out: text; nothing here reads, writes or prints.

Baseline
    A finding's key is ``path``, ``code``, its *subject* (the link target, else the message
    with every number replaced by ``#``, so line and column numbers inside messages do not
    count) and its occurrence index among findings with the same three; never a line number,
    so editing other parts of a page keeps the baseline valid. A baselined finding is
    reported as known (``note`` severity, ``(known error)`` suffix) and does not fail.

    A malformed link's message quotes at most 30 characters of a link text and 80 of a
    destination (``linkscan.DESTINATION_QUOTE``), so its subject is as short as the line it
    prints on. The key is made of that message, not of the whole text: a key holding 50 KB
    of a paragraph was no more use than the line, and keeping the whole for the key alone
    would store it in every scan cache. So a baseline entry recorded before the cap for a
    destination of more than 80 characters no longer matches its finding: the finding
    fails as new, the entry is said to be no longer found, and ``--update-baseline``
    records it anew, once. Keys of shorter quotes (every malformed link of the corpus, the
    shipped baseline's) did not change. A QA finding's message is cut at 300 characters
    (``qachecks.MESSAGE_LIMIT``), with the same consequence for an entry of a longer one.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, namedtuple
from collections.abc import Iterable, Sequence

from .diagnostics import Diagnostic

FORMATS = ("text", "json", "github", "junit")
BASELINE_FORMAT = 1
_NUMBER = re.compile(r"\d+")


class Finding(namedtuple("Finding", "diagnostic checked target known", defaults=("", False))):
    """One problem: its diagnostic, the file checked (a JUnit test case), the link target, if
    known. A named tuple, as ``Diagnostic`` is (``pipeline.diagnostics``)."""

    __slots__ = ()
    diagnostic: Diagnostic
    checked: str
    target: str
    known: bool

    @property
    def subject(self) -> str:
        return self.target or _NUMBER.sub("#", self.diagnostic.message)

    def fails(self, strict: bool = False) -> bool:
        severity = self.diagnostic.severity
        return not self.known and (severity == "error" or strict and severity == "warning")


def sort_key(finding: Finding) -> tuple:
    """The order of a report: by place, then by every other field (so that the order in
    which pages or locales were checked never shows)."""
    d = finding.diagnostic
    return (d.location.path, d.location.line, d.location.column, d.code, d.message, d.severity, finding.checked,
            finding.target)


def finding_keys(findings: Sequence[Finding]) -> list[str]:
    """The baseline key of each finding (same order): ``path\\tcode\\tsubject\\toccurrence``."""
    seen: Counter[tuple[str, str, str]] = Counter()
    keys = []
    for finding in findings:
        base = (finding.diagnostic.location.path, finding.diagnostic.code, finding.subject)
        keys.append("\t".join((*base, str(seen[base]))))
        seen[base] += 1
    return keys


def apply_baseline(findings: Sequence[Finding], known: Iterable[str]) -> list[Finding]:
    """``findings`` with ``known`` set on those whose key is in the baseline."""
    known_keys = set(known)
    return [f._replace(known=key in known_keys) for f, key in zip(findings, finding_keys(findings))]


def once_each(findings: Sequence[Finding]) -> list[Finding]:
    """The findings, each diagnostic once (the first): a locale folder that cannot be read is
    the same error for each of its catalogs, one line as the build prints it."""
    seen: set = set()
    return [f for f in findings if not (f.diagnostic in seen or seen.add(f.diagnostic))]


def stale_baseline_line(known: Iterable[str], findings: Sequence[Finding], unchecked: str | None = None) -> str:
    """A line (with its leading newline) saying how many baseline entries no run finding
    matched, or "": run on the whole site only. ``findings``: as ``apply_baseline`` marked
    them (each key is one finding's, so the entries matched are the findings marked known).
    ``unchecked``: a folder the run did not check (``out`` under ``--no-outputs``), whose
    entries say nothing."""
    prefix = None if unchecked is None else unchecked.rstrip("/") + "/"
    checked = sum(1 for key in known if prefix is None or not key.startswith(prefix))
    stale = checked - sum(1 for finding in findings if finding.known)
    if not stale:
        return ""
    entries, them = ("entry", "it") if stale == 1 else ("entries", "them")
    return f"\npipeline check: {stale} baseline {entries} no longer found (fixed?): --update-baseline drops {them}"


def format_baseline(findings: Sequence[Finding]) -> str:
    """Baseline JSON text recording every finding (sorted, one entry per line for clean diffs)."""
    entries = []
    for finding, key in sorted(zip(findings, finding_keys(findings)), key=lambda pair: pair[1]):
        path, code, subject, occurrence = key.split("\t")
        entries.append(json.dumps({"path": path, "code": code, "subject": subject, "occurrence": int(occurrence),
                                   "severity": finding.diagnostic.severity}, ensure_ascii=False))
    body = ",\n    ".join(entries)
    return (f'{{\n  "format": {BASELINE_FORMAT},\n  "comment": "known findings of pipeline check; '
            f'regenerate with pipeline check --update-baseline",\n  "findings": [\n    {body}\n  ]\n}}\n')


def parse_baseline(text: str) -> set[str]:
    """Keys of a baseline file; raises ValueError for a file that is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT or not isinstance(data.get("findings"), list):
        raise ValueError("not a pipeline check baseline (format 1)")
    keys = set()
    for number, entry in enumerate(data["findings"], 1):
        if not isinstance(entry, dict):
            raise ValueError(f"finding {number} is not an object")
        missing = next((k for k in ("path", "code", "subject", "occurrence") if k not in entry), None)
        if missing:
            raise ValueError(f"finding {number} has no '{missing}'")
        if not isinstance(entry["occurrence"], int) or isinstance(entry["occurrence"], bool):
            raise ValueError(f"finding {number}: 'occurrence' is not a number")
        keys.add("\t".join((str(entry["path"]), str(entry["code"]), str(entry["subject"]), str(entry["occurrence"]))))
    return keys


# --- report formats (pure) -----------------------------------------------------------------


def summary_line(findings: Sequence[Finding], checked: int, strict: bool = False) -> str:
    """E.g. ``pipeline check: 7 files checked: 1 error, 2 warnings, 9 known (baseline)``."""
    new = [f for f in findings if not f.known]
    errors = sum(f.diagnostic.severity == "error" for f in new)
    warnings = sum(f.diagnostic.severity == "warning" for f in new)
    known = len(findings) - len(new)
    text = (f"pipeline check: {checked} files checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")
    if known:
        text += f", {known} known (baseline)"
    if strict and warnings:
        text += "; --strict: warnings fail"
    return text


def format_text(findings: Sequence[Finding]) -> str:
    lines = []
    for finding in findings:
        d = finding.diagnostic
        if finding.known:
            lines.append(f"{d.location}: note: {d.message} [{d.code}] (known {d.severity})")
        else:
            lines.append(d.format())
    return "".join(line + "\n" for line in lines)


def format_json(findings: Sequence[Finding], checked: Sequence[str], strict: bool = False) -> str:
    items = [{
        "path": f.diagnostic.location.path, "line": f.diagnostic.location.line,
        "column": f.diagnostic.location.column, "severity": f.diagnostic.severity,
        "code": f.diagnostic.code, "message": f.diagnostic.message, "target": f.target,
        "checked": f.checked, "known": f.known,
    } for f in findings]
    data = {"findings": items, "checked": list(checked), "summary": summary_line(findings, len(checked), strict),
            "failed": any(f.fails(strict) for f in findings)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_prefix(root: str, cwd: str, workspace: str | None) -> str:
    """What goes before a project-relative path for an annotation to name the file from the
    repository's root: the project folder relative to ``workspace`` (``$GITHUB_WORKSPACE``,
    the checkout), else to ``cwd`` (``docs/`` for ``pipeline -C docs check``); "" when the
    project is that folder or outside it."""
    relative = os.path.relpath(os.path.realpath(root), os.path.realpath(workspace or cwd))
    return "" if relative == "." or relative.split(os.sep)[0] == ".." else relative.replace(os.sep, "/") + "/"


def _annotated(path: str, prefix: str) -> str:
    return path if not prefix or os.path.isabs(path) else prefix + path


def format_github(findings: Sequence[Finding], strict: bool = False, prefix: str = "") -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding,
    its file named from the repository's root (``prefix``: ``annotation_prefix``)."""
    lines = []
    for finding in findings:
        d = finding.diagnostic
        level = "notice" if finding.known else ("error" if d.severity == "error" or strict else
                                               "warning" if d.severity == "warning" else "notice")
        message = d.message + (f" (known {d.severity}, in the baseline)" if finding.known else "")
        lines.append(f"::{level} file={_escape_property(_annotated(d.location.path, prefix))},line={d.location.line},"
                     f"col={d.location.column},title={_escape_property('[' + d.code + ']')}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"  # compiled by re's cache when JUnit is asked for


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (written ``\\xNN`` instead)."""
    return re.sub(_NOT_XML, lambda m: f"\\x{ord(m.group()):02x}", text)


def format_junit(findings: Sequence[Finding], checked: Sequence[str], strict: bool = False, prefix: str = "") -> str:
    """JUnit XML: one test case per checked file, with one ``<failure>`` holding its failing
    findings (the first one's code and message on it, all of them in its text: Jenkins, Azure
    DevOps and junitparser read a single failure per case); warnings that do not fail and known
    findings go to the case's ``<system-out>``. Characters XML 1.0 forbids are written ``\\xNN``."""
    import xml.etree.ElementTree as ET  # only this format needs it (3 ms of every check's start-up)

    by_file: dict[str, list[Finding]] = {name: [] for name in checked}
    for finding in findings:
        by_file.setdefault(finding.checked, []).append(finding)
    suites = ET.Element("testsuites", name="pipeline check")
    failures = sum(1 for items in by_file.values() if any(f.fails(strict) for f in items))
    suite = ET.SubElement(suites, "testsuite", name="pipeline check", tests=str(len(by_file)),
                          failures=str(failures), errors="0", skipped="0")
    for name, items in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="pipeline.check", name=_xml_text(name),
                             file=_xml_text(_annotated(name, prefix)))
        failing = [f for f in items if f.fails(strict)]
        quiet = [format_text([f]).rstrip("\n") for f in items if not f.fails(strict)]
        if failing:
            first = failing[0].diagnostic
            message = first.message if len(failing) == 1 else f"{len(failing)} findings; first: {first.message}"
            failure = ET.SubElement(case, "failure", type=first.code, message=_xml_text(message))
            failure.text = _xml_text("\n".join(f.diagnostic.format() for f in failing))
        if quiet:
            ET.SubElement(case, "system-out").text = _xml_text("\n".join(quiet))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def format_report(fmt: str, findings: Sequence[Finding], checked: Sequence[str], strict: bool = False,
                  prefix: str = "") -> str:
    """The report in ``fmt``; ``prefix`` (``annotation_prefix``) goes before the files that
    GitHub annotations and JUnit cases name, so that they name them from the repository's root."""
    if fmt == "json":
        return format_json(findings, checked, strict)
    if fmt == "github":
        return format_github(findings, strict, prefix)
    if fmt == "junit":
        return format_junit(findings, checked, strict, prefix)
    return format_text(findings)
