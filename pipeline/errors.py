"""The one error type the stages raise and the CLI reports (no records imported here, so
that the command line can catch it before anything heavier is loaded)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .model import Diagnostic


class PipelineError(Exception):
    """A failure that the CLI reports as one diagnostic line and a non-zero exit."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic
