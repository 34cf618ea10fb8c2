"""Company settings as the Settings page lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingValue:
    name: str
    title: str
    kind: str
    group: str
    value: Any
    readonly: bool
    version: int
