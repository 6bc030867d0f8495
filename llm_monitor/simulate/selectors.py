"""Which models a scenario's traffic and events mean: selectors resolved against one stack.

A selector is a model's ``name``; ``first`` or ``last``; a position in the stack's ``models`` list
(``1`` is the first, ``-1`` the last); ``busy``, the first model the stack expects to carry
traffic (an enabled ``trafficLoss`` alarm); or ``idle``, the last model it does not. ``default``
(in ``traffic``) and an omitted ``model`` (in an event) mean every model.
"""

from __future__ import annotations

from collections.abc import Sequence

from llm_monitor.config import Settings
from llm_monitor.config.errors import Problem
from llm_monitor.config.models import ModelSettings
from llm_monitor.simulate.scenario import Profile, ScenarioError

DEFAULT = "default"
TIER_SELECTORS = ("priority", "flex", "reserved")


class Selection:
    def __init__(self, settings: Settings, source: str = "scenario") -> None:
        self.settings, self.source = settings, source
        self.models_in_order = list(settings.models)

    def _busy(self, model: ModelSettings) -> bool:
        rule = self.settings.alarms.for_model(model.alarms).traffic_loss
        return rule.enabled and rule.threshold is not None

    def models(self, selector: str | int | None, path: str) -> list[ModelSettings]:
        """The models ``selector`` means; ScenarioError naming ``path`` when it means none."""
        models = self.models_in_order
        if selector is None or selector == DEFAULT:
            return models
        found: list[ModelSettings] = []
        if isinstance(selector, int):
            index = selector - 1 if selector > 0 else selector
            found = [models[index]] if selector and -len(models) <= index < len(models) else []
        elif selector == "first":
            found = models[:1]
        elif selector == "last":
            found = models[-1:]
        elif selector == "busy":
            found = [m for m in models if self._busy(m)][:1]
        elif selector == "idle":
            found = [m for m in models if not self._busy(m)][-1:]
        elif selector in TIER_SELECTORS:
            found = [m for m in models if selector in m.tiers][:1]
        else:
            found = [m for m in models if m.name == selector]
        if not found:
            names = ", ".join(m.name for m in models)
            why = {
                "busy": "no model of this stack is expected to carry traffic (alarms.trafficLoss), so nothing "
                "can page when its traffic is lost",
                "idle": "every model of this stack is expected to carry traffic",
                **{
                    t: f"no model of this stack declares the {t} service tier (serviceTiers.{t})"
                    for t in TIER_SELECTORS
                },
            }.get(str(selector), f"no such model (this stack has {names})")
            raise ScenarioError(self.source, [Problem(path, f"{selector!r}: {why}")])
        return found

    def missing(self, needs: Sequence[str], surfaces: Sequence[str] = ()) -> str | None:
        """Why a scenario that ``needs`` these selectors and ``surfaces`` does not apply here, or None when it does."""
        absent = [s for s in surfaces if not getattr(self.settings.surfaces, s).enabled]
        if absent:
            return "needs " + ", ".join(f"llm-monitor:surfaces.{s}" for s in absent)
        for selector in needs:
            try:
                self.models(selector, "needs")
            except ScenarioError as exc:
                return exc.problems[0].message
        return None

    def profiles(self, traffic: dict[str | int, Profile]) -> dict[str, Profile]:
        """Each model's traffic: the defaults, then ``default``, then entries naming the model."""
        base = traffic.get(DEFAULT, Profile())
        result = {m.name: base for m in self.models_in_order}
        for selector, profile in traffic.items():
            if selector == DEFAULT:
                continue
            for model in self.models(selector, f"traffic.{selector}"):
                update = {f: getattr(profile, f) for f in profile.model_fields_set}
                result[model.name] = result[model.name].model_copy(update=update)
        return result
