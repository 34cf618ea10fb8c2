"""Users as the admin lists them (never the password hash)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    email: str
    role: str
    extra_permissions: tuple[str, ...]
    active: bool
    version: int
