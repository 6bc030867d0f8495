"""CloudWatch metric math, evaluated the way CloudWatch documents it.

Source: "Using math expressions with CloudWatch metrics" (CloudWatch user guide, section
"Metric math syntax and functions"). The rules this module follows, each from that page:

- Arithmetic (``+ - * / ^``) between two time series: missing values are treated as 0; a
  data point whose division is by zero is dropped.
- Comparison (``== != < <= > >=``) and logical (``AND && OR ||``) operators return 0 or 1 per
  timestamp; between two series, a value only one side has is compared against 0.
- ``IF(condition, a, b)`` follows the documented per-syntax tables (a missing true-value reads
  0; a false condition with no false-value drops the point).
- ``FILL(m, value)`` gives every timestamp of the request a value. ``MINUTE``, ``HOUR``,
  ``DAY`` (1 = Monday ... 7 = Sunday), ``DATE``, ``MONTH``, ``YEAR`` and ``EPOCH`` "take the
  period and range of the time series and return a new non-sparse time series".
- ``MAX``/``MIN``/``SUM``/``AVG`` of an array give one series (``AVG`` and ``SUM`` read a
  missing value as 0); of a single series, a scalar over the whole range.
- ``ANOMALY_DETECTION_BAND(m, k)`` returns two series, the upper bound first (``FIRST`` and
  ``LAST`` select them). The band itself comes from the caller (see ``anomaly.py``).
- ``RUNNING_SUM(m)`` "returns a time series with the running sum of the values in m" (dashboards
  use it; in an alarm it would sum only the evaluation range, so no alarm here does).

Simplifications, documented: when every input series is empty, ``FILL`` still fills the
range (CloudWatch's FILL note says it fills the latest point even when it never has data); the
engine can switch this off (``fill_empty=False``) to show an alarm does not depend on it. The
order of operations is the usual one (``^``, unary minus, ``* /``, ``+ -``, comparisons, ``AND``,
``OR``); the user guide does not spell it out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

Series = dict[int, float]
"""Timestamp (minutes from the simulation's origin) → value. A missing timestamp is missing data."""
Value = float | Series | list[Series]


class ExpressionError(ValueError):
    """An expression the simulator cannot read or evaluate (and CloudWatch would refuse)."""


@dataclass(frozen=True)
class Grid:
    """The timestamps one alarm evaluation asks for: the start of each period, oldest first."""

    timestamps: tuple[int, ...]
    period_seconds: int
    origin: datetime
    """The wall-clock time (UTC) of minute 0."""

    def wall_clock(self, minute: int) -> datetime:
        return self.origin + timedelta(minutes=minute)


class Inputs(Protocol):
    """What an expression reads: its metric queries, and the anomaly band of a series."""

    def series(self, id: str) -> Series: ...

    def period_of(self, id: str) -> int: ...

    def ids(self) -> Sequence[str]: ...

    def band(self, id: str, width: float) -> tuple[Series, Series]: ...


# --- parsing -----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>&&|\|\||==|!=|<=|>=|[-+*/^<>(),\[\]]))"
)
_COMPARISONS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_LOGICAL = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR"}


@dataclass(frozen=True)
class Node:
    kind: str
    """``number``, ``id``, ``keyword``, ``call``, ``array``, ``unary``, ``binary``."""
    value: Any = None
    args: tuple[Node, ...] = ()


def parse(text: str) -> Node:
    """The syntax tree of one expression; ExpressionError naming what is wrong."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, text)
    node = parser.expression()
    if parser.position != len(tokens):
        raise ExpressionError(f"{text!r}: unexpected {tokens[parser.position]!r}")
    return node


def _tokenize(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"{text!r}: cannot read {text[position:]!r}")
        tokens.append(match.group(match.lastgroup or "op"))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], text: str) -> None:
        self.tokens, self.text, self.position = tokens, text, 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ExpressionError(f"{self.text!r}: expected {expected or 'more'}, found {token!r}")
        self.position += 1
        return token

    def expression(self) -> Node:
        return self._binary(0)

    _LEVELS: tuple[tuple[str, ...], ...] = (
        ("OR", "||"),
        ("AND", "&&"),
        tuple(_COMPARISONS),
        ("+", "-"),
        ("*", "/"),
    )

    def _binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self._unary()
        node = self._binary(level + 1)
        while self.peek() in self._LEVELS[level]:
            op = _LOGICAL.get(self.take(), self.tokens[self.position - 1])
            node = Node("binary", op, (node, self._binary(level + 1)))
        return node

    def _unary(self) -> Node:
        if self.peek() == "-":
            self.take()
            return Node("unary", "-", (self._unary(),))
        return self._power()

    def _power(self) -> Node:
        base = self._atom()
        if self.peek() == "^":
            self.take()
            return Node("binary", "^", (base, self._unary()))
        return base

    def _atom(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.expression()
            self.take(")")
            return node
        if token == "[":
            items = self._items("]")
            return Node("array", None, tuple(items))
        if re.fullmatch(r"\d.*|\.\d+", token):
            return Node("number", float(token))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
            raise ExpressionError(f"{self.text!r}: unexpected {token!r}")
        if self.peek() == "(":
            self.take("(")
            return Node("call", token, tuple(self._items(")")))
        if token in ("REPEAT", "LINEAR"):
            return Node("keyword", token)
        return Node("id", token)

    def _items(self, closing: str) -> list[Node]:
        items: list[Node] = []
        if self.peek() == closing:
            self.take(closing)
            return items
        while True:
            items.append(self.expression())
            if self.take() == closing:
                return items
            if self.tokens[self.position - 1] != ",":
                raise ExpressionError(f"{self.text!r}: expected ',' or {closing!r}")


def referenced_ids(node: Node) -> set[str]:
    """Every query id an expression reads."""
    ids = {node.value} if node.kind == "id" else set()
    for arg in node.args:
        ids |= referenced_ids(arg)
    return ids


def functions_used(node: Node) -> set[str]:
    names = {node.value} if node.kind == "call" else set()
    for arg in node.args:
        names |= functions_used(arg)
    return names


# --- evaluation --------------------------------------------------------------------------------


class Evaluator:
    """Evaluates parsed expressions over one grid; results of other queries come from ``resolve``."""

    def __init__(self, grid: Grid, inputs: Inputs, resolve: Callable[[str], Value], *, fill_empty: bool = True):
        self.grid, self.inputs, self.resolve, self.fill_empty = grid, inputs, resolve, fill_empty

    def evaluate(self, node: Node) -> Value:
        if node.kind == "number":
            return float(node.value)
        if node.kind == "id":
            return self.resolve(node.value)
        if node.kind == "array":
            return [s for arg in node.args for s in _as_list(self.evaluate(arg))]
        if node.kind == "unary":
            return _arith("*", -1.0, self.evaluate(node.args[0]))
        if node.kind == "binary":
            left, right = (self.evaluate(a) for a in node.args)
            if node.value in _COMPARISONS or node.value in ("AND", "OR"):
                return _compare(node.value, left, right)
            return _arith(node.value, left, right)
        if node.kind == "call":
            function = _FUNCTIONS.get(node.value)
            if function is None:
                raise ExpressionError(
                    f"{node.value}() is not supported by the simulator (supported: {', '.join(sorted(_FUNCTIONS))})"
                )
            return function(self, node.args)
        raise ExpressionError(f"{node.value!r} cannot stand alone here")

    def series(self, node: Node) -> Series:
        value = self.evaluate(node)
        if isinstance(value, dict):
            return value
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        raise ExpressionError("a time series was expected")

    def full(self, value: float) -> Series:
        return dict.fromkeys(self.grid.timestamps, value)


def _as_list(value: Value) -> list[Series]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    raise ExpressionError("an array holds time series, not numbers")


def _apply(op: str, a: float, b: float) -> float | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return None if b == 0 else a / b
    if op == "^":
        try:
            return float(a**b)
        except (OverflowError, ZeroDivisionError):
            return None
    raise ExpressionError(f"unknown operator {op!r}")


def _arith(op: str, left: Value, right: Value) -> Value:
    if isinstance(left, list) or isinstance(right, list):
        lefts = left if isinstance(left, list) else None
        rights = right if isinstance(right, list) else None
        if lefts is not None and rights is not None:
            raise ExpressionError("arithmetic between two arrays is not supported")
        if lefts is not None:
            return [_as_series(_arith(op, s, right)) for s in lefts]
        return [_as_series(_arith(op, left, s)) for s in rights or []]
    if isinstance(left, float) and isinstance(right, float):
        result = _apply(op, left, right)
        if result is None:
            raise ExpressionError("division by zero between two numbers")
        return result
    out: Series = {}
    if isinstance(left, dict) and isinstance(right, dict):
        # Missing values are treated as 0 (user guide, "Arithmetic operators").
        for ts in sorted(left.keys() | right.keys()):
            value = _apply(op, left.get(ts, 0.0), right.get(ts, 0.0))
            if value is not None:
                out[ts] = value
        return out
    series = left if isinstance(left, dict) else right
    assert isinstance(series, dict)
    for ts, v in series.items():
        value = _apply(op, v, right) if isinstance(left, dict) else _apply(op, left, v)  # type: ignore[arg-type]
        if value is not None:
            out[ts] = value
    return out


def _as_series(value: Value) -> Series:
    if not isinstance(value, dict):
        raise ExpressionError("a time series was expected")
    return value


def _truth(op: str, a: float, b: float) -> float:
    if op == "AND":
        return float(bool(a) and bool(b))
    if op == "OR":
        return float(bool(a) or bool(b))
    return float(_COMPARISONS[op](a, b))


def _compare(op: str, left: Value, right: Value) -> Value:
    if isinstance(left, list) or isinstance(right, list):
        raise ExpressionError("comparisons of arrays are not supported")
    if isinstance(left, float) and isinstance(right, float):
        return _truth(op, left, right)
    if isinstance(left, dict) and isinstance(right, dict):
        # A value only one series has is compared against 0 (user guide, "Comparison and logical operators").
        return {ts: _truth(op, left.get(ts, 0.0), right.get(ts, 0.0)) for ts in sorted(left.keys() | right.keys())}
    if isinstance(left, dict):
        return {ts: _truth(op, v, right) for ts, v in left.items()}  # type: ignore[arg-type]
    assert isinstance(right, dict)
    return {ts: _truth(op, left, v) for ts, v in right.items()}


# --- functions ---------------------------------------------------------------------------------


def _fill(ev: Evaluator, args: tuple[Node, ...]) -> Value:
    if len(args) != 2:
        raise ExpressionError("FILL takes a series and a filler")
    series = ev.series(args[0])
    if not series and not ev.fill_empty:
        return {}
    filler = args[1]
    out: Series = {}
    if filler.kind == "keyword" and filler.value == "REPEAT":
        known = [series[ts] for ts in ev.grid.timestamps if ts in series]
        last = known[0] if known else None
        for ts in ev.grid.timestamps:
            last = series.get(ts, last)
            if last is not None:
                out[ts] = last
        return out
    if filler.kind == "keyword":
        raise ExpressionError("FILL(m, LINEAR) is not supported by the simulator")
    value = ev.evaluate(filler)
    for ts in ev.grid.timestamps:
        if ts in series:
            out[ts] = series[ts]
        elif isinstance(value, float):
            out[ts] = value
        elif isinstance(value, dict) and ts in value:
            out[ts] = value[ts]
    return out


def _if(ev: Evaluator, args: tuple[Node, ...]) -> Value:
    if len(args) not in (2, 3):
        raise ExpressionError("IF takes a condition, a true value and an optional false value")
    condition = ev.evaluate(args[0])
    yes = ev.evaluate(args[1])
    no = ev.evaluate(args[2]) if len(args) == 3 else None
    if isinstance(condition, float):
        # IF(scalar, a, b): a or b whole; an omitted b gives an empty series.
        chosen = yes if condition else no
        return {} if chosen is None else chosen
    if not isinstance(condition, dict):
        raise ExpressionError("IF's condition must be a number or one time series")
    out: Series = {}
    for ts, flag in condition.items():
        if flag:
            # A true point whose true-value series has no point reads 0 (documented tables).
            out[ts] = yes if isinstance(yes, float) else _as_series(yes).get(ts, 0.0)
        elif no is not None:
            if isinstance(no, float):
                out[ts] = no
            elif ts in _as_series(no):
                out[ts] = _as_series(no)[ts]
    return out


def _reduce(name: str) -> Callable[[Evaluator, tuple[Node, ...]], Value]:
    def reduce(ev: Evaluator, args: tuple[Node, ...]) -> Value:
        if len(args) != 1:
            raise ExpressionError(f"{name} takes one argument")
        value = ev.evaluate(args[0])
        if isinstance(value, dict):
            values = list(value.values())
            if not values:
                raise ExpressionError(f"{name} of an empty series")
            return _combine(name, values, len(values))
        series = _as_list(value)
        out: Series = {}
        for ts in sorted(set().union(*series)) if series else []:
            present = [s[ts] for s in series if ts in s]
            out[ts] = _combine(name, present, len(series))
        return out

    return reduce


def _combine(name: str, values: list[float], count: int) -> float:
    if name == "MAX":
        return max(values)
    if name == "MIN":
        return min(values)
    if name == "SUM":
        return sum(values)
    return sum(values) / count  # AVG: missing values read 0


def _period(ev: Evaluator, args: tuple[Node, ...]) -> Value:
    if len(args) != 1 or args[0].kind != "id":
        raise ExpressionError("PERIOD takes the id of a metric")
    return float(ev.inputs.period_of(args[0].value))


def _clock(part: Callable[[datetime], float]) -> Callable[[Evaluator, tuple[Node, ...]], Value]:
    def clock(ev: Evaluator, args: tuple[Node, ...]) -> Value:
        if len(args) != 1:
            raise ExpressionError("time functions take one series")
        ev.evaluate(args[0])  # validates the argument; the result is non-sparse whatever its data
        return {ts: part(ev.grid.wall_clock(ts)) for ts in ev.grid.timestamps}

    return clock


def _elementwise(function: Callable[[float], float]) -> Callable[[Evaluator, tuple[Node, ...]], Value]:
    def apply(ev: Evaluator, args: tuple[Node, ...]) -> Value:
        value = ev.evaluate(args[0])
        if isinstance(value, float):
            return function(value)
        return (
            [{ts: function(v) for ts, v in s.items()} for s in value]
            if isinstance(value, list)
            else {ts: function(v) for ts, v in value.items()}
        )

    return apply


def _band(ev: Evaluator, args: tuple[Node, ...]) -> Value:
    if not args or args[0].kind != "id":
        raise ExpressionError("ANOMALY_DETECTION_BAND takes the id of the watched series")
    width = 2.0 if len(args) == 1 else ev.evaluate(args[1])
    if not isinstance(width, float):
        raise ExpressionError("the band's width must be a number")
    upper, lower = ev.inputs.band(args[0].value, width)
    return [upper, lower]


def _pick(index: int) -> Callable[[Evaluator, tuple[Node, ...]], Value]:
    def pick(ev: Evaluator, args: tuple[Node, ...]) -> Value:
        series = _as_list(ev.evaluate(args[0]))
        if not series:
            raise ExpressionError("FIRST/LAST of an empty array")
        return series[index]

    return pick


def _running_sum(ev: Evaluator, args: tuple[Node, ...]) -> Value:
    if len(args) != 1:
        raise ExpressionError("RUNNING_SUM takes one series")
    value = ev.evaluate(args[0])
    if not isinstance(value, dict):
        raise ExpressionError("RUNNING_SUM takes one time series")
    out: Series = {}
    total = 0.0
    for ts in sorted(value):
        total += value[ts]
        out[ts] = total
    return out


def _metrics(ev: Evaluator, args: tuple[Node, ...]) -> Value:
    ids = ev.inputs.ids()
    if args:
        if args[0].kind != "id":
            raise ExpressionError("METRICS takes an optional string")
        ids = [i for i in ids if args[0].value in i]
    return [ev.inputs.series(i) for i in ids]


_FUNCTIONS: dict[str, Callable[[Evaluator, tuple[Node, ...]], Value]] = {
    "FILL": _fill,
    "IF": _if,
    "MAX": _reduce("MAX"),
    "MIN": _reduce("MIN"),
    "SUM": _reduce("SUM"),
    "AVG": _reduce("AVG"),
    "PERIOD": _period,
    "MINUTE": _clock(lambda t: float(t.minute)),
    "HOUR": _clock(lambda t: float(t.hour)),
    "DAY": _clock(lambda t: float(t.isoweekday())),
    "DATE": _clock(lambda t: float(t.day)),
    "MONTH": _clock(lambda t: float(t.month)),
    "YEAR": _clock(lambda t: float(t.year)),
    "EPOCH": _clock(lambda t: float(int(t.replace(tzinfo=t.tzinfo or UTC).timestamp()))),
    "ABS": _elementwise(abs),
    "CEIL": _elementwise(lambda v: float(math.ceil(v))),
    "FLOOR": _elementwise(lambda v: float(math.floor(v))),
    "ANOMALY_DETECTION_BAND": _band,
    "FIRST": _pick(0),
    "LAST": _pick(-1),
    "METRICS": _metrics,
    "RUNNING_SUM": _running_sum,
}
SUPPORTED_FUNCTIONS = frozenset(_FUNCTIONS)
