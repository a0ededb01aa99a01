"""Roles a person may hold; what each may do is decided in `core.policy`."""

from enum import StrEnum


class Role(StrEnum):
    MANAGER = "manager"
    APPROVER = "approver"
    PLANNER = "planner"
    ACCOUNTANT = "accountant"
    HEAD = "head"
    ADMIN = "admin"
