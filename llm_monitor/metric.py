"""The shape of one catalogued CloudWatch metric (``catalogue.py``, ``catalogue_surfaces.py``)."""

from __future__ import annotations

from dataclasses import dataclass

#: Statistics that make sense for a counted metric, and for a duration, most useful first.
COUNT_STATS = ("Sum", "SampleCount", "Maximum")
LATENCY_STATS = ("p50", "p90", "p99", "Average", "Maximum")


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric as AWS publishes it."""

    namespace: str
    name: str
    unit: str
    """CloudWatch StandardUnit (``Count``, ``Milliseconds``)."""
    dimension_sets: tuple[tuple[str, ...], ...]
    """Every combination of dimension names the metric is published with."""
    statistics: tuple[str, ...]
    """Statistics that make sense for this metric, most useful first."""
    description: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    def has_dimensions(self, names: tuple[str, ...] | list[str]) -> bool:
        """True when the metric is published with exactly this set of dimension names."""
        wanted = sorted(names)
        return any(sorted(s) == wanted for s in self.dimension_sets)
