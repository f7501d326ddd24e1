"""Latency statistics shared by the benchmarks: percentiles and a summary of one measured run."""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass
from typing import Dict, Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0..1) percentile of ``values``, by linear interpolation between ranks; NaN if empty.

    The same definition as numpy's default (``linear``), so figures can be checked against it.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1, got {share}")
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = share * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """One measured run: latencies in milliseconds, throughput in messages per second."""

    messages: int
    errors: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    per_second: float
    seconds: float

    def as_dict(self) -> Dict[str, float]:
        return {key: (round(value, 3) if isinstance(value, float) else value) for key, value in asdict(self).items()}


def summarize(latencies_s: Sequence[float], errors: int, wall_seconds: float) -> Summary:
    """The summary of answered requests (``latencies_s``, seconds) over ``wall_seconds`` of wall time.

    Throughput counts answered messages only; errors are reported beside it, and
    their latencies are not in the percentiles.
    """
    count = len(latencies_s)
    millis = [value * 1000.0 for value in latencies_s]
    return Summary(
        messages=count,
        errors=errors,
        p50_ms=percentile(millis, 0.5),
        p99_ms=percentile(millis, 0.99),
        mean_ms=statistics.fmean(millis) if millis else float("nan"),
        max_ms=max(millis) if millis else float("nan"),
        per_second=count / wall_seconds if wall_seconds > 0 else float("nan"),
        seconds=wall_seconds,
    )


def overhead(with_value: float, baseline: float) -> float:
    """How much larger ``with_value`` is than ``baseline``, as a fraction (0.1 is +10 %)."""
    return with_value / baseline - 1.0
