"""Where a problem is and what it is: ``Location`` and ``Diagnostic``, the records every
stage reports with (``pipeline.model`` hands them on with the other records).

Named tuples, not dataclasses: ``dataclasses`` imports ``inspect`` (7 ms), and a check
replayed with its findings moved (``pipeline.checkmoves``) makes its report from these
and ``pipeline.reports`` alone. Immutable and compared by value, as the frozen dataclasses
they were; ``_replace`` makes a changed copy.
"""

from __future__ import annotations

from collections import namedtuple


class Location(namedtuple("Location", "path line column", defaults=(1, 1))):
    """A place in a file: repo-relative path, 1-based line and column."""

    __slots__ = ()
    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Diagnostic(namedtuple("Diagnostic", "location severity message code")):
    """One problem, printed the way editors and CI annotate: ``path:line:col: severity: message [code]``."""

    __slots__ = ()
    location: Location
    severity: str  # "error" | "warning" | "note"
    message: str
    code: str

    def format(self) -> str:
        return f"{self.location}: {self.severity}: {self.message} [{self.code}]"
