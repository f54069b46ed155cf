"""One TOML table read strictly: every key must be taken, each value of the right kind.

The template loader reads every table through :class:`StrictTable`, so an unknown or
misspelt key, or a value of the wrong kind, is reported with the file and the place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from rvr_desktop.evidence.forms.errors import TemplateError

_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


class StrictTable:
    """One TOML table being read: every key must be taken, or it is reported as unknown."""

    def __init__(self, raw: Any, where: str, source: str) -> None:
        if not isinstance(raw, dict):
            raise TemplateError(source, where, f"expected a table but found {kind_of(raw)}")
        self.raw: dict[str, Any] = raw
        self.where = where
        self.source = source
        self._taken: set[str] = set()

    def fail(self, problem: str, where: str | None = None) -> TemplateError:
        return TemplateError(self.source, where or self.where, problem)

    def _get(self, key: str, required: bool) -> Any:
        self._taken.add(key)
        if key not in self.raw:
            if required:
                raise self.fail(f"the key '{key}' is missing")
            return None
        return self.raw[key]

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, default is None)
        if value is None:
            return default or ""
        if not isinstance(value, str):
            raise self.fail(f"'{key}' must be text, not {kind_of(value)}")
        return value

    def identifier(self, key: str, pattern: re.Pattern[str] = _ID) -> str:
        value = self.text(key)
        if not pattern.fullmatch(value):
            raise self.fail(
                f"'{key}' is '{value}', but ids use lower-case letters, digits and '_' "
                "(starting with a letter, at most 64 characters)"
            )
        return value

    def label(self, key: str) -> str:
        value = self.text(key)
        if not value.strip():
            raise self.fail(f"'{key}' must not be blank")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false, not {kind_of(value)}")
        return value

    def integer(self, key: str, *, minimum: int, default: int | None = None) -> int | None:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"'{key}' must be a whole number, not {kind_of(value)}")
        if not minimum <= value <= 10**9:
            raise self.fail(f"'{key}' must be between {minimum} and 1000000000, not {value}")
        return value

    def required_integer(self, key: str, *, minimum: int) -> int:
        if key not in self.raw:
            self._taken.add(key)
            raise self.fail(f"the key '{key}' is missing")
        value = self.integer(key, minimum=minimum)
        assert value is not None  # noqa: S101 - present, checked above
        return value

    def number(self, key: str) -> float | None:
        value = self._get(key, False)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(f"'{key}' must be a number, not {kind_of(value)}")
        if not math.isfinite(value) or abs(value) > 1e15:
            raise self.fail(f"'{key}' must be an ordinary finite number")
        return float(value)

    def table(self, key: str, where: str) -> StrictTable | None:
        value = self._get(key, False)
        return None if value is None else StrictTable(value, where, self.source)

    def tables(self, key: str, where: Callable[[int, Any], str]) -> list[StrictTable]:
        value = self._get(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"'{key}' must be a list of tables, not {kind_of(value)}")
        return [StrictTable(item, where(i, item), self.source) for i, item in enumerate(value)]

    def strings(self, key: str) -> tuple[str, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"'{key}' must be a list of text values")
        return tuple(value)

    def scalar(self, key: str) -> str | int | float | bool | None:
        value = self._get(key, False)
        if value is None or isinstance(value, str | bool):
            return value
        if isinstance(value, int | float) and math.isfinite(value):
            return value
        raise self.fail(f"'{key}' must be text, a number or true/false, not {kind_of(value)}")

    def scalars(self, key: str) -> tuple[str | int | float | bool, ...]:
        value = self._get(key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(v, str | bool) or (isinstance(v, int | float) and math.isfinite(v))
            for v in value
        ):
            raise self.fail(f"'{key}' must be a list of text, numbers or true/false")
        return tuple(value)

    def any(self, key: str) -> Any:
        return self._get(key, False)

    def finish(self) -> None:
        unknown = sorted(set(self.raw) - self._taken)
        if unknown:
            allowed = ", ".join(sorted(self._taken))
            raise self.fail(f"the key '{unknown[0]}' is not known (allowed keys: {allowed})")


def name_of(kind: str, item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"{kind} '{item['id']}'"
    return f"{kind} number {index + 1}"


def in_section(section_id: str) -> Callable[[int, Any], str]:
    def where(index: int, item: Any) -> str:
        return name_of("field", item, index) + f" (section '{section_id}')"

    return where
