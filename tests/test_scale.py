"""Scale: no step of the preview does work for every pair of models (counted calls, not times;
the times are measured by benchmarks/scale.py and shown in docs/benchmarks.md)."""

from __future__ import annotations

from benchmarks.scale import call_counts, superlinear

#: Doubling the models at most doubles linear work; work per pair of models quadruples. The
#: margin above 2 absorbs per-model work that varies with the generated model's features.
DOUBLING_FACTOR = 2.5


def test_no_function_is_called_quadratically_more_often_as_models_double() -> None:
    small, large = call_counts(16), call_counts(32)
    # The measurement measures: the per-model work is there, and it grew.
    assert sum(large.values()) > 1.5 * sum(small.values())
    assert superlinear(small, large, DOUBLING_FACTOR) == {}


def test_superlinear_flags_work_per_pair_and_passes_linear_work() -> None:
    small = {"per_model": 160, "per_pair": 16 * 16, "fixed": 900, "per_model_and_fixed": 900 + 16}
    large = {"per_model": 320, "per_pair": 32 * 32, "fixed": 900, "per_model_and_fixed": 900 + 32}
    assert superlinear(small, large, DOUBLING_FACTOR, at_least=100) == {"per_pair": 4.0}
