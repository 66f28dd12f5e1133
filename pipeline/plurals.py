"""A ``Plural-Forms`` header value as GNU ``msgfmt --check`` checks it.

In: the value (``nplurals=2; plural=(n != 1);``). Out: the problem msgfmt reports, in its
words (``invalid nplurals value``, ``invalid plural expression``, ``nplurals = 2 but plural
expression can produce values as large as 2``, division by zero, negative values), or None.

What GNU does (``msgl-check.c``, ``plural.y``, ``eval-plural.h``): the first ``nplurals=``
must be followed (after white space) by a decimal number; the expression after the first
``plural=`` must parse, up to a ``;``, a newline or the end, as C on ``n`` (``?:``, ``||``,
``&&``, ``== !=``, ``< > <= >=``, ``+ -``, ``* / %``, ``!``, parentheses, decimal numbers;
blanks are spaces and tabs); then it is computed in unsigned 64-bit arithmetic for n = 0 to
1000, and each value must be below nplurals, not negative as a signed number, and without a
division by zero. A value without ``nplurals=`` or ``plural=`` is not checked (GNU needs both
only for plural messages, which pages do not have). ``update`` gives a value with a problem
the locale's (``catalog.merge_catalog``).

Where we differ: an expression longer than 2,000 characters, or nested deeper than Python's
recursion allows (some hundreds of levels), is refused as invalid; GNU's parser takes up to
10,000 levels. No plural rule comes near (CLDR's longest are about 200 characters), and a
hostile header must cost neither a traceback nor minutes. (GNU also finds ``plural=`` and
``nplurals=`` anywhere in the header, not only in this field; a catalog with them in another
field is not looked at here.)
"""

from __future__ import annotations

import functools

_MASK = (1 << 64) - 1  # unsigned long
_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
           "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}  # '?' binds least (0), '!' most
_LONGEST = 2000  # characters of an expression checked; a longer one is refused (see below)
_INVALID = "invalid plural expression"

Node = tuple  # ("n",), ("num", value), ("!", a), ("?", a, b, c), (operator, a, b)


class _Invalid(Exception):
    """The expression does not parse."""


@functools.lru_cache(maxsize=64)  # a locale's catalogs share their value: checked once a process
def plural_forms_problem(value: str) -> str | None:
    """What ``msgfmt --check`` says is wrong with a ``Plural-Forms`` value, or None."""
    nplurals_at, plural_at = value.find("nplurals="), value.find("plural=")
    if nplurals_at < 0 or plural_at < 0:
        return None
    digits = value[nplurals_at + 9:].lstrip(" \t\n\v\f\r")
    end = 0
    while end < len(digits) and "0" <= digits[end] <= "9":
        end += 1
    if not end:
        return "invalid nplurals value"
    nplurals = min(int(digits[:end]), _MASK)  # strtoul
    expression = _parse(value[plural_at + 7:])
    if expression is None:
        return _INVALID
    try:
        for n in range(1001):
            result = _evaluate(expression, n)
            if result >> 63:
                return "plural expression can produce negative values"
            if result >= nplurals:
                return f"nplurals = {nplurals} but plural expression can produce values as large as {result}"
    except ZeroDivisionError:
        return "plural expression can produce division by zero"
    except RecursionError:  # nested deeper than the parser let through: not reached
        return _INVALID
    return None


def _tokens(text: str) -> list[str | int] | None:
    """GNU's lexer: operators, ``n``, ``?``, ``:``, parentheses and numbers up to the end
    (``;``, a newline or the end of the text); None at a character it refuses."""
    tokens: list[str | int] = []
    index, size = 0, len(text)
    while True:
        while index < size and text[index] in " \t":
            index += 1
        if index == size or text[index] in ";\n":
            return tokens
        char = text[index]
        index += 1
        following = text[index:index + 1]
        if "0" <= char <= "9":
            number = int(char)
            while index < size and "0" <= text[index] <= "9":
                number = (number * 10 + int(text[index])) & _MASK
                index += 1
            tokens.append(number)
        elif char in "=!<>" and following == "=":
            tokens.append(char + "=")
            index += 1
        elif char in "&|":
            if following != char:
                return None
            tokens.append(char * 2)
            index += 1
        elif char in "!<>*/%+-n?:()":
            tokens.append(char)
        else:  # a lone '=' too
            return None


def _parse(text: str) -> Node | None:
    """The expression of ``plural.y``'s grammar (its precedences, '?' right-associative), or
    None when it does not parse, is longer than ``_LONGEST`` characters (checking it costs
    1,001 evaluations) or is nested deeper than Python's recursion allows."""
    end = min((at for at in (text.find(";"), text.find("\n")) if at >= 0), default=len(text))
    if end > _LONGEST:
        return None
    tokens = _tokens(text)
    if tokens is None:
        return None
    position = 0

    def peek() -> str | int | None:
        return tokens[position] if position < len(tokens) else None

    def take(expected: str) -> None:
        nonlocal position
        if peek() != expected:
            raise _Invalid
        position += 1

    def operand() -> Node:
        nonlocal position
        token = peek()
        position += 1
        if isinstance(token, int):
            return ("num", token)
        if token == "n":
            return ("n",)
        if token == "!":
            return ("!", operand())
        if token == "(":
            inner = expression(0)
            take(")")
            return inner
        raise _Invalid

    def expression(least: int) -> Node:
        nonlocal position
        left = operand()
        while True:
            token = peek()
            if token == "?":  # the lowest precedence: the outermost level takes it
                if least > 0:
                    return left
                position += 1
                chosen = expression(0)
                take(":")
                left = ("?", left, chosen, expression(0))
                continue
            binds = _BINARY.get(token) if isinstance(token, str) else None
            if binds is None or binds < least:
                return left
            position += 1
            left = (token, left, expression(binds + 1))

    try:
        parsed = expression(0)
    except (_Invalid, RecursionError):
        return None
    return parsed if position == len(tokens) else None


def _evaluate(node: Node, n: int) -> int:
    """``plural_eval``: unsigned 64-bit arithmetic; ``||``, ``&&`` and ``?:`` evaluate only
    the operands they need (a division by zero elsewhere is no problem)."""
    operator = node[0]
    if operator == "n":
        return n
    if operator == "num":
        return node[1]
    if operator == "!":
        return 0 if _evaluate(node[1], n) else 1
    if operator == "?":
        return _evaluate(node[2] if _evaluate(node[1], n) else node[3], n)
    left = _evaluate(node[1], n)
    if operator == "||":
        return 1 if left or _evaluate(node[2], n) else 0
    if operator == "&&":
        return 1 if left and _evaluate(node[2], n) else 0
    right = _evaluate(node[2], n)
    if operator == "+":
        return (left + right) & _MASK
    if operator == "-":
        return (left - right) & _MASK
    if operator == "*":
        return (left * right) & _MASK
    if operator == "/":
        return left // right
    if operator == "%":
        return left % right
    return int({"==": left == right, "!=": left != right, "<": left < right, ">": left > right,
                "<=": left <= right, ">=": left >= right}[operator])
