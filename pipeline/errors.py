"""The one error type the stages raise and the CLI reports, and ``error`` to make one (the
records are imported only when there is an error, so that the command line and the settings
can use these before anything heavier is loaded)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .diagnostics import Diagnostic


class PipelineError(Exception):
    """A failure that the CLI reports as one diagnostic line and a non-zero exit."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def error(path: str, line: int, column: int, message: str, code: str) -> PipelineError:
    """Shorthand for raising a located error."""
    from .diagnostics import Diagnostic, Location

    return PipelineError(Diagnostic(Location(path, line, column), "error", message, code))
