"""Formulas as data: a small arithmetic language parsed into a tree and evaluated by walking it, never by `eval`.

    expression := term (("+" | "-") term)*
    term       := factor (("*" | "/") factor)*
    factor     := number | name | function "(" expression ("," expression)* ")" | "(" expression ")" | "-" factor

Names are measure codes (indicators) or field codes (data collections): letters, digits, `_` and `.`, not starting
with a digit. Functions are those the caller allows (e.g. `prev`, `abs`, `min`, `max`). Evaluation works on numbers
or numpy arrays alike; division by zero gives NaN (the caller flags it), never an exception.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

MAX_LENGTH = 2000
MAX_DEPTH = 50  # nested parentheses, function calls and unary minuses
MAX_HEIGHT = 200  # height of the tree (a chain a + b + c ... is as high as it is long): evaluation recurses on it

_TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)|(?P<op>[-+*/(),]))")


class ExpressionError(ValueError):
    """A formula that cannot be parsed or names what is not allowed; `position` is the 0-based character."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message if position is None else f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple


@dataclass(frozen=True)
class Negate:
    operand: object


@dataclass(frozen=True)
class Binary:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Expression:
    text: str
    tree: object

    @property
    def names(self) -> set[str]:
        """Every name the formula reads (arguments of functions included)."""
        found: set[str] = set()
        _walk(self.tree, lambda node: found.add(node.name) if isinstance(node, Name) else None)
        return found

    @property
    def functions(self) -> set[str]:
        found: set[str] = set()
        _walk(self.tree, lambda node: found.add(node.function) if isinstance(node, Call) else None)
        return found

    def calls(self, function: str) -> list[tuple]:
        """The argument trees of each call of `function` (e.g. which fields `prev(...)` reads)."""
        found: list[tuple] = []
        _walk(self.tree, lambda node: found.append(node.args) if isinstance(node, Call) and node.function == function
              else None)
        return found


def _walk(node, visit):
    visit(node)
    if isinstance(node, Call):
        for arg in node.args:
            _walk(arg, visit)
    elif isinstance(node, Negate):
        _walk(node.operand, visit)
    elif isinstance(node, Binary):
        _walk(node.left, visit)
        _walk(node.right, visit)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            start = len(text) - len(text[pos:].lstrip())
            raise ExpressionError(f"unexpected character {text[start]!r}", start)
        kind = match.lastgroup
        start = match.start(kind)
        tokens.append((kind, match.group(kind), start))
        pos = match.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, functions: frozenset[str]):
        self.tokens = _tokens(text)
        self.i = 0
        self.functions = functions
        self.depth = 0
        self.heights: dict[int, int] = {}

    def height(self, node) -> int:
        return self.heights.get(id(node), 1)

    def built(self, node, pos: int, *children):
        """Record the height of a new node; refuse a tree too high to evaluate without exhausting the stack."""
        height = 1 + max(self.height(child) for child in children)
        if height > MAX_HEIGHT:
            raise ExpressionError(f"the formula has too many operations in a row (at most {MAX_HEIGHT})", pos)
        self.heights[id(node)] = height
        return node

    def peek(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, value: str):
        kind, text, pos = self.take()
        if text != value or kind != "op":
            raise ExpressionError(f"expected {value!r}, found {text or 'the end'!r}", pos)

    def expression(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("the formula is nested too deeply", self.peek()[2])
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            _, op, pos = self.take()
            right = self.term()
            node = self.built(Binary(op, node, right), pos, node, right)
        self.depth -= 1
        return node

    def term(self):
        node = self.factor()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            _, op, pos = self.take()
            right = self.factor()
            node = self.built(Binary(op, node, right), pos, node, right)
        return node

    def factor(self):
        kind, text, pos = self.take()
        if kind == "number":
            return Number(float(text))
        if kind == "name":
            if self.peek()[1] == "(" and self.peek()[0] == "op":
                if text not in self.functions:
                    raise ExpressionError(f"unknown function {text!r}", pos)
                self.take()
                args = [self.expression()]
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.expression())
                self.expect(")")
                return self.built(Call(text, tuple(args)), pos, *args)
            return Name(text)
        if text == "(":
            node = self.expression()
            self.expect(")")
            return node
        if text == "-":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("the formula is nested too deeply", pos)
            operand = self.factor()
            self.depth -= 1
            return self.built(Negate(operand), pos, operand)
        if kind == "end":
            raise ExpressionError("the formula ends too early", pos)
        raise ExpressionError(f"unexpected {text!r}", pos)


def parse(text: str, *, functions: frozenset[str] | set[str] = frozenset()) -> Expression:
    """Parse `text`; raises ExpressionError with the position of the first problem."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the formula is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the formula is longer than {MAX_LENGTH} characters")
    parser = _Parser(text, frozenset(functions))
    tree = parser.expression()
    kind, rest, pos = parser.peek()
    if kind != "end":
        raise ExpressionError(f"unexpected {rest!r}", pos)
    return Expression(text, tree)


def check_names(expression: Expression, known: set[str] | Mapping) -> None:
    """Raise ExpressionError naming the first unknown name (sorted, so the message is stable)."""
    unknown = sorted(expression.names - set(known))
    if unknown:
        raise ExpressionError(f"unknown name {unknown[0]!r}")


def _divide(left, right):
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.divide(np.asarray(left, dtype=float), np.asarray(right, dtype=float))
    result = np.where(np.asarray(right, dtype=float) == 0, np.nan, result)
    return float(result) if np.ndim(result) == 0 else result


DEFAULT_FUNCTIONS: dict[str, Callable] = {
    "abs": lambda x: np.abs(x),
    "min": lambda *xs: np.minimum.reduce([np.asarray(x, dtype=float) for x in xs]),
    "max": lambda *xs: np.maximum.reduce([np.asarray(x, dtype=float) for x in xs]),
}


def evaluate(expression: Expression, values: Mapping, functions: Mapping[str, Callable] | None = None):
    """Evaluate over `values` (name → number or numpy array). A function gets its arguments evaluated, except those
    the caller marks as taking names (see `evaluate_node`). Division by zero gives NaN."""
    return evaluate_node(expression.tree, values, {**DEFAULT_FUNCTIONS, **(functions or {})})


def evaluate_node(node, values: Mapping, functions: Mapping[str, Callable]):
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        try:
            return values[node.name]
        except KeyError:
            raise ExpressionError(f"unknown name {node.name!r}") from None
    if isinstance(node, Negate):
        return -np.asarray(evaluate_node(node.operand, values, functions), dtype=float)
    if isinstance(node, Call):
        function = functions.get(node.function)
        if function is None:
            raise ExpressionError(f"unknown function {node.function!r}")
        if getattr(function, "takes_nodes", False):
            return function(*node.args)
        return function(*(evaluate_node(arg, values, functions) for arg in node.args))
    left = evaluate_node(node.left, values, functions)
    right = evaluate_node(node.right, values, functions)
    if node.op == "+":
        return np.add(left, right)
    if node.op == "-":
        return np.subtract(left, right)
    if node.op == "*":
        return np.multiply(left, right)
    return _divide(left, right)


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
