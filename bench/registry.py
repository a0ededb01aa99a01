"""The benchmarks `python -m bench` runs: each an async function returning its figures.

Add one with the decorator; it runs in the order registered:

    @benchmark
    async def orders_a_second() -> list[Figure]:
        return [Figure("orders a second", 123.0, "orders/s", reference=100.0)]
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Benchmark = Callable[[], Awaitable[list["Figure"]]]
BENCHMARKS: list[Benchmark] = []


@dataclass(frozen=True)
class Figure:
    """One measured value; `reference` is what it is compared with in the same run, if anything."""

    name: str
    value: float
    unit: str
    reference: float | None = None
    reference_name: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.reference is None or self.reference == 0:
            return None
        return self.value / self.reference

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "value": round(self.value, 3), "unit": self.unit,
                "reference": None if self.reference is None else round(self.reference, 3),
                "reference_name": self.reference_name,
                "ratio": None if self.ratio is None else round(self.ratio, 3)}


def benchmark(function: Benchmark) -> Benchmark:
    BENCHMARKS.append(function)
    return function
