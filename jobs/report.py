"""What a job run did, in counts a person can read (`orderbot jobs run` prints them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JobReport:
    counts: dict[str, int] = field(default_factory=dict)
    # Another process holds the job's lock and is running it now.
    skipped: bool = False
