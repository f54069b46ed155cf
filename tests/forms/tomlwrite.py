"""A tiny TOML writer for tests: enough to turn a parsed template back into text."""

from __future__ import annotations

import json
import math
from typing import Any


def _string(text: str) -> str:
    # JSON's escapes are TOML's, except that TOML wants DEL escaped too.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(item) for item in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_string(str(k))} = {value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def dumps(document: dict[str, Any]) -> str:
    """Top-level keys one per line; everything nested as inline tables and arrays."""
    return "".join(f"{_string(str(k))} = {value(v)}\n" for k, v in document.items())
