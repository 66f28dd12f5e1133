"""Document -> messages (pure).

In: a parsed ``Document`` and the path under which the source folder is shown. Out: the
page's ``Message`` records in first-appearance order; identical segments become one
message carrying every reference and every distinct comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Document

@dataclass(frozen=True)
class Message:
    msgid: str
    references: tuple[str, ...]
    comments: tuple[str, ...]
    flags: tuple[str, ...] = ()  # none: see README, "PO files" (md-text)


def extract_messages(document: Document, source_prefix: str = "source") -> list[Message]:
    """One message per distinct segment text, references ``<source_prefix>/<path>:<line>``."""
    order: list[str] = []
    refs: dict[str, list[str]] = {}
    comments: dict[str, list[str]] = {}
    path = f"{source_prefix}/{document.path}" if source_prefix else document.path
    for segment in document.segments:
        if segment.text not in refs:
            order.append(segment.text)
            refs[segment.text] = []
            comments[segment.text] = []
        ref = f"{path}:{segment.line}"
        if ref not in refs[segment.text]:
            refs[segment.text].append(ref)
        if segment.comment not in comments[segment.text]:
            comments[segment.text].append(segment.comment)
    return [Message(m, tuple(refs[m]), tuple(comments[m])) for m in order]
