"""DocFX's glob patterns, as ``docfx.json`` writes them in ``files`` and ``exclude`` (pure).

In: a pattern and a file's path relative to the folder the pattern is relative to (POSIX).
Out: whether the pattern matches the file (``glob_matches``), as DocFX's ``GlobMatcher``
matches it with its default options (``GlobMatcherOptions``: negate, ignore case, globstar,
expand, escape; not "dot match"):

- letter case is ignored (``Includes/`` matches the folder ``includes``);
- ``*`` is any characters within one path segment, ``?`` one character, ``[ab]``/``[a-z]``
  one of a class (no closing ``]``: a literal ``[``);
- ``**`` as a whole segment is any number of folders: ``**/`` none or more, a final ``**``
  the file and any folders above it (``a/**`` does not match the folder ``a`` alone); a
  segment that starts with ``**`` and goes on (``**.md``) is ``**/*.md``; elsewhere in a
  segment ``**`` is ``*``;
- ``{a,b}`` stands for both patterns (nested too; an unbalanced brace matches nothing);
- each leading ``!`` negates the pattern;
- ``\\`` makes the next character literal;
- a wildcard never matches a segment that starts with ``.`` (``**/*.md`` does not match
  ``.github/x.md`` nor ``.x.md``), unless the pattern's own segment starts with ``.``.

Segments are told apart as DocFX tells them: a folder's ends with ``/``, so ``includes``
as a last pattern segment names a file, ``includes/`` a folder.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass

_GLOBSTAR = re.compile(r"^\*{2,}/?$")  # a whole segment of stars: any number of folders
_GLOBSTAR_SHORTCUT = re.compile(r"^\*{2,}(?=[^/*])")  # '**.md': '**/' then '*.md'


@dataclass(frozen=True)
class _Segment:
    """One segment of a pattern: ``kind`` is ``folders`` (``**/``), ``files`` (a final
    ``**``), ``text`` (compared as it is, case ignored) or ``regex``; ``text`` keeps the
    segment's trailing ``/`` when it is a folder's."""

    kind: str
    text: str = ""
    regex: re.Pattern[str] | None = None
    source: str | None = None  # the regex's source within a whole path (``_path_regex``); None: not such


@dataclass(frozen=True)
class Glob:
    """A compiled pattern: its expansions (each a tuple of segments) and whether it is negated."""

    pattern: str
    expansions: tuple[tuple[_Segment, ...], ...]
    negated: bool = False
    whole: re.Pattern[str] | None = None  # ``_path_regex``: one regex for a whole ASCII path, if it may


@functools.lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    """A pattern compiled once (a docfx.json's few patterns are matched against every page)."""
    negated = False
    start = 0
    while start < len(pattern) and pattern[start] == "!":
        negated = not negated
        start += 1
    expansions = tuple(_segments(glob) for glob in _expand_braces(pattern[start:]))
    return Glob(pattern, expansions, negated, _path_regex(pattern, expansions))


def glob_matches(pattern: str | Glob, path: str) -> bool:
    """Whether ``pattern`` matches the file at ``path`` (relative, ``/`` or ``\\`` separated;
    a path ending with a separator is a folder's)."""
    glob = compile_glob(pattern) if isinstance(pattern, str) else pattern
    if glob.whole is not None and path.isascii() and "\n" not in path:
        if "\\" in path or "//" in path or path.startswith("/"):
            path = "".join(_path_parts(path))  # the parts as ``_match`` sees them
        return (glob.whole.match(path) is not None) != glob.negated
    parts = _path_parts(path)
    found = any(_match(parts, segments) for segments in glob.expansions)
    return found != glob.negated


def _path_regex(pattern: str, expansions: tuple[tuple[_Segment, ...], ...]) -> re.Pattern[str] | None:
    """``_match`` of every expansion as one regex over the path's parts joined (each ending
    with ``/`` but a file's last), for an ASCII pattern whose every segment matches within one
    part (``_Segment.source``); None otherwise (``_match`` then). Only for ASCII paths without
    a newline: there ``casefold`` is ``lower``, ``re.IGNORECASE`` compares as it does, and
    ``$`` ends the part. Each segment starts at a part's start and ends at its ``/`` or at the
    path's end, so it takes whole parts, as ``_match`` does:

    - ``**/`` takes one or more folders that are no dot names, or none, and then the part
      after it (if any) is no dot name either (``_match``: its ``not hidden`` holds for the
      part in hand when the globstar takes nothing before it);
    - a final ``**`` takes one or more parts that are no dot names, the last a file;
    - a text segment, that part (letter case ignored); a regex segment, a part it matches."""
    if not pattern.isascii():
        return None
    choices = []
    for segments in expansions:
        pieces = []
        for segment in segments:
            if segment.kind == "folders":
                pieces.append(r"(?:(?:(?!\.)[^/]+/)+|(?!\.))")
            elif segment.kind == "files":
                pieces.append(r"(?:(?!\.)[^/]+/)*(?!\.)[^/]+\Z")
            elif segment.kind == "text":
                pieces.append(re.escape(segment.text))
            elif segment.source is not None:
                pieces.append(segment.source)
            else:
                return None
        choices.append("".join(pieces) + r"\Z")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile("|".join(f"(?:{c})" for c in choices) if choices else "(?!)", re.IGNORECASE)


def _path_parts(path: str) -> list[str]:
    """A path as DocFX splits it: empty parts dropped, each folder ending with ``/`` (the
    last part too when the path ends with a separator: a folder's path)."""
    names = [name for name in re.split(r"[/\\]", path) if name]
    last = [names[-1] + ("/" if path.endswith(("/", "\\")) else "")] if names else []
    return [name + "/" for name in names[:-1]] + last


def _split_pattern(glob: str) -> list[str]:
    names = [name for name in glob.split("/") if name]
    if not names:
        return []
    last = names[-1] + ("/" if glob.endswith("/") else "")
    return [name + "/" for name in names[:-1]] + [last]


def _segments(glob: str) -> tuple[_Segment, ...]:
    parts: list[str] = []
    for part in _split_pattern(glob):
        if _GLOBSTAR_SHORTCUT.match(part):
            parts += ["**/", _GLOBSTAR_SHORTCUT.sub("*", part)]
        else:
            parts.append(part)
    return tuple(_segment(part) for part in parts)


def _segment(part: str) -> _Segment:
    """One pattern segment as DocFX compiles it (``GlobMatcher.ConvertSingleGlobPart``)."""
    if _GLOBSTAR.match(part):
        return _Segment("folders" if part.endswith("/") else "files")
    regex: list[str] = []
    magic = False
    within = True  # no class of the segment matches '/': it matches within one part (``_path_regex``)
    index = 0
    while index < len(part):
        char = part[index]
        if char == "\\":
            index += 1
            if index == len(part):
                return _Segment("text", "\0")  # a trailing backslash: no file has such a name
            char = part[index]
            regex.append(re.escape(char))
        elif char == "?":
            regex.append("[^/]")
            magic = True
        elif char == "*":
            regex.append("[^/]*?")
            magic = True
        elif char == "[":
            close = _class_end(part, index)
            if close < 0:
                regex.append(r"\[")
            else:
                body = part[index + 1:close]
                regex.append("" if not body else "[\\^]" if body == "^" else f"[{body}]")
                within = within and _misses_slash(regex[-1])
                magic = True
                index = close
        else:
            regex.append(re.escape(char))
        index += 1
    if not magic:
        return _Segment("text", re.sub(r"\\(.)", r"\1", part).casefold())
    content = "".join(regex)
    if not content:
        return _Segment("text", "\0")
    dot_guard = "" if part.startswith(".") else r"(?!\.)"  # a wildcard does not match a dot name
    try:
        with warnings.catch_warnings():  # '[[a]', '[a--z]': literal in .NET's classes and in Python's
            warnings.simplefilter("ignore", FutureWarning)  # ("possible nested set" is a warning of a future)
            compiled = re.compile(f"^{dot_guard}(?=.){content}$", re.IGNORECASE)
            return _Segment("regex", regex=compiled, source=f"{dot_guard}(?=[^/])(?:{content})" if within else None)
    except re.error as exc:  # '[z-a]', '[\\z]': .NET refuses them too
        raise GlobError(f"'{part}' is no valid pattern segment ({exc.msg})") from None


def _misses_slash(regex_class: str) -> bool:
    """Whether a class (as ``_segment`` writes it) cannot match ``/``; an invalid one can
    (``_segment`` reports it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return not regex_class or re.match(regex_class, "/", re.IGNORECASE) is None
    except re.error:
        return False


class GlobError(ValueError):
    """A pattern DocFX cannot compile either (a character class out of order: ``[z-a]``)."""


def _class_end(part: str, start: int) -> int:
    """The index of the ``]`` that closes the class opened at ``start`` (not an escaped one), or -1."""
    escaping = False
    for index in range(start + 1, len(part)):
        char = part[index]
        if char == "]" and not escaping:
            return index
        escaping = char == "\\"  # as DocFX reads a class: a backslash escapes the next character
    return -1


def _expand_braces(pattern: str) -> list[str]:
    """``{a,b}c`` -> ``["ac", "bc"]``, nested braces too; none for an unbalanced brace (DocFX:
    "unbalanced closing bracket matches nothing"). ``\\,``, ``\\{`` and ``\\}`` are literal."""
    stack: list[tuple[list[str], list[str]]] = []  # per open brace: (prefixes before it, its choices so far)
    current = [""]
    escaping = False
    for char in pattern:
        if escaping:
            current = [text + ("" if char in ",{}" else "\\") + char for text in current]
            escaping = False
        elif char == "\\":
            escaping = True
        elif char == "{":
            stack.append((current, []))
            current = [""]
        elif char == "," and stack:
            stack[-1][1].extend(current)
            current = [""]
        elif char == "}":
            if not stack:
                return []
            before, choices = stack.pop()
            choices = choices + current
            current = [head + choice for head in before for choice in choices]
        else:
            current = [text + char for text in current]
    return [] if stack else current


def _match(parts: list[str], segments: tuple[_Segment, ...]) -> bool:
    """DocFX's match of path parts against pattern segments, from the end of both
    (``GlobMatcher.MatchOne``). ``done[j]``: the parts seen so far (the last ones) match the
    last ``j`` segments."""
    count = len(segments)
    done = [True] + [False] * count
    for j in range(count):  # no part seen: only folder globstars match nothing
        done[j + 1] = segments[count - j - 1].kind == "folders" and done[j]
    for part in reversed(parts):
        folder = part.endswith("/")
        hidden = part.startswith(".")  # '.', '..' and dot names: no globstar takes them
        now = [False] * (count + 1)
        for j in range(count):
            segment = segments[count - j - 1]
            if segment.kind == "folders":
                now[j + 1] = not hidden and ((done[j + 1] and folder) or (done[j] and folder) or now[j])
            elif segment.kind == "files":
                now[j + 1] = not hidden and (done[j + 1] or (done[j] and not folder))
            elif segment.kind == "text":
                now[j + 1] = done[j] and part.casefold() == segment.text
            else:
                now[j + 1] = done[j] and segment.regex is not None and segment.regex.match(part) is not None
        done = now
    return done[count]
