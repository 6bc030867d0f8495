"""YAML as the Pulumi CLI reads ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``: gopkg.in/yaml.v3 rules on PyYAML.

The CLI unmarshals both files with gopkg.in/yaml.v3 (pulumi/pulumi ``sdk/go/common/encoding/marshal.go``),
which resolves untagged plain scalars by YAML 1.2's core schema (yaml.v3 ``resolve.go``) and refuses a
mapping that repeats a key (``decode.go``: ``mapping key "x" already defined at line N``). PyYAML
implements YAML 1.1. Where the two differ, this loader does what the CLI does:

================================  ==============================  =====================================
plain scalar in the file          PyYAML (YAML 1.1)               yaml.v3, hence the CLI (followed here)
================================  ==============================  =====================================
``7e-05``, ``1e3``, ``1.5e3``     string (1.1 floats need a dot   float
                                  and a signed exponent)
``yes no on off y n`` (any case)  boolean                         string (only ``true``/``false`` in
                                                                  three spellings are booleans)
``0o17``                          string                          15 (``017`` is 15 in both)
``1:30`` (base 60)                90                              string
``=``                             a "value" node PyYAML cannot    string
                                  construct
``2024-01-31``                    ``datetime.date``               the text Go's ``time.String()`` gives
                                                                  it, ``2024-01-31 00:00:00 +0000 UTC``
                                                                  (pulumi ``config/object.go``)
``1e400``                         string                          string (out of range for float64)
a key repeated in one mapping     the last value wins             error naming the key and both lines
================================  ==============================  =====================================

Quoted scalars are strings in both, and explicitly tagged scalars (``!!str 5``) keep PyYAML's
constructors. Merge keys (``<<``) work in both.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

import yaml

PLAIN_TAG = "tag:llm-monitor,2026:yaml.v3-plain"
_MERGE_TAG = "tag:yaml.org,2002:merge"

# yaml.v3 resolve.go: its resolveMap, then (for a sign or digit first) timestamp, int, float.
_KEYWORDS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# Go's strconv.ParseInt(s, 0, 64) syntax (underscores already removed): sign, then a base prefix.
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_BASES = {"x": 16, "o": 8, "b": 2}
# yaml.v3's allowedTimestampFormats: 2006-1-2T15:4:5.999999999Z07:00 (t or T), 2006-1-2 15:4:5.999999999, 2006-1-2.
_TIMESTAMP = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
    r"(?:(?:[Tt](?P<tz_time>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})(?P<tz_frac>\.[0-9]+)?"
    r"(?P<zone>Z|[-+][0-9]{2}:[0-9]{2}))"
    r"|(?: (?P<time>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})(?P<frac>\.[0-9]+)?))?"
)


class DuplicateKeyError(yaml.YAMLError):
    """A mapping repeats a key: yaml.v3 (and so the Pulumi CLI) refuses the file."""

    def __init__(self, key: str, line: int, first_line: int) -> None:
        super().__init__(f"line {line}: mapping key {key!r} already defined at line {first_line}")
        self.key = key


def resolve_plain(text: str) -> Any:
    """The value yaml.v3 gives an untagged plain scalar (its ``resolve`` function, for ``interface{}``)."""
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    first = text[0]
    if first == ".":
        if "_" not in text:  # Go's ParseFloat takes no underscores without a base prefix
            try:
                return _finite(float(text), text)
            except ValueError:
                return text
        return text
    if not (first.isdigit() or first in "+-"):
        return text
    timestamp = _go_timestamp(text)
    if timestamp is not None:
        return timestamp
    plain = text.replace("_", "")
    number = _go_int(plain)
    if number is not None:
        return number
    if _YAML_STYLE_FLOAT.fullmatch(plain):
        return _finite(float(plain), text)
    return text


def _finite(value: float, text: str) -> float | str:
    # Go's ParseFloat reports an out-of-range error for 1e400, and yaml.v3 then keeps the text.
    return value if not math.isinf(value) else text


def _go_int(text: str) -> int | None:
    if not _GO_INT.fullmatch(text):
        return None
    negative, digits = text.startswith("-"), text.lstrip("+-")
    if len(digits) > 1 and digits[1].lower() in _BASES:
        value = int(digits[2:], _BASES[digits[1].lower()])
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    value = -value if negative else value
    if -(2**63) <= value < 2**63 or (0 <= value < 2**64 and not text.startswith("+")):
        return value  # int64, else uint64 (ParseUint takes no sign)
    return None


def _go_timestamp(text: str) -> str | None:
    """``time.Time.String()`` of a timestamp yaml.v3 parses (UTC unless an offset is written)."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(p) for p in match["date"].split("-"))
    clock = match["tz_time"] or match["time"] or "0:0:0"
    hour, minute, second = (int(p) for p in clock.split(":"))
    try:
        datetime.datetime(year, month, day, hour, minute, second)  # Go's time.Parse checks the calendar too
    except ValueError:
        return None
    fraction = (match["tz_frac"] or match["frac"] or "").rstrip("0").rstrip(".")
    zone = match["zone"] or "Z"
    # A written offset gets a zone without a name, which Go prints as the offset itself.
    suffix = "+0000 UTC" if zone == "Z" else f"{zone.replace(':', '')} {zone.replace(':', '')}"
    return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}{fraction[:10]} {suffix}"


class CliLoader(yaml.SafeLoader):
    """PyYAML's safe loader with yaml.v3's scalar resolution and duplicate-key error."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return _MERGE_TAG if value == "<<" else PLAIN_TAG
        return super().resolve(kind, value, implicit)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # yaml.v3 compares the keys as written (kind and text), before merge keys are applied.
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    raise DuplicateKeyError(key_node.value, line, seen[key_node.value])
                seen[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


def _construct_plain(loader: CliLoader, node: yaml.ScalarNode) -> Any:
    return resolve_plain(node.value)


CliLoader.add_constructor(PLAIN_TAG, _construct_plain)


def load(text: str) -> Any:
    """Parse one YAML document as the Pulumi CLI would."""
    return yaml.load(text, Loader=CliLoader)  # a SafeLoader subclass: no arbitrary objects
