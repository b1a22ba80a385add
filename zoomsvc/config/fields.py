"""Turning TOML tables into frozen dataclasses, checking every key's name and type."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """The configuration is unusable; the message names the key and what is wrong."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def section(document: Mapping[str, Any], name: str, prefix: str = "") -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{prefix}{name}", "harus berupa tabel [" + prefix + name + "]")
    return value


def reject_unknown(raw: Mapping[str, Any], known: set[str], prefix: str) -> None:
    for key in raw:
        if key not in known:
            raise ConfigError(f"{prefix}{key}", "kunci tidak dikenal (periksa ejaan; lihat "
                              "config.example.toml)")


def build_dataclass(cls: type[T], raw: Mapping[str, Any], prefix: str,
                    prebuilt: set[str] | None = None) -> T:
    """Build dataclass ``cls`` from ``raw``, checking names and simple types of every key."""
    prebuilt = prebuilt or set()
    if not isinstance(raw, Mapping):
        raise ConfigError(prefix, "harus berupa tabel")
    assert dataclasses.is_dataclass(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    reject_unknown(raw, set(fields), f"{prefix}.")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"{prefix}.{name}"
        values[name] = value if name in prebuilt else _coerce(value, hints[name], key)
    missing = [name for name, f in fields.items() if name not in values
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{prefix}.{missing[0]}", "wajib diisi")
    return cls(**values)


def _coerce(value: Any, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    simple = hint in (str, int, bool, float)
    if simple and (not isinstance(value, hint) or (hint is int and isinstance(value, bool))):
        names = {str: "teks", int: "bilangan bulat", bool: "true/false", float: "angka"}
        raise ConfigError(key, f"harus {names[hint]}, bukan {value!r}")
    return value
