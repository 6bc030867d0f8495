"""Traffic, minute by minute, turned into the metrics Bedrock and the metric filters publish.

Bedrock's publishing rules, as the user guide describes them (``catalogue.py`` cites the pages):

- nothing at all is published for a model in a minute without requests;
- throttled requests count in ``InvocationThrottles`` and not in ``Invocations``; client and
  server errors count in their metric *and* in ``Invocations`` (the current user guide: requests
  Bedrock accepted, including those that later failed). ``Readings`` switches to the older
  reading ("successful requests") to show the alarms hold under both;
- ``TimeToFirstToken`` comes from successful streaming calls only, and so does
  ``EstimatedTPMQuotaUsage`` (input + cache writes + output × the model's burndown factor);
- a counted metric is published only in a minute where it counts something, unless
  ``Readings.zero_counts`` says Bedrock publishes zeros beside a minute's other metrics;
- service tiers (service-tiers-inference.html): every runtime metric is published per ModelId
  (every tier together) and, for a model whose config declares tiers, also per ModelId +
  ServiceTier (requested) + ResolvedServiceTier (served). A call names no tier unless the traffic
  says so (``Profile.tiers``), and then it is served by Standard (``default``); Priority and Flex
  calls are served by their tier; Reserved calls are served by Reserved up to the reservation's
  tokens per minute (``reservedTokensPerMinute``) and by Standard beyond it. Tokens served from the
  reservation are left out of ``EstimatedTPMQuotaUsage`` ("Your reserved tier capacity reservation
  is separate from your on-demand quota"; an assumption: the page does not say what the estimate
  counts).

Application logs (one line per call, ``llm-monitor:logs``) see every call, including those that
failed before reaching Bedrock; throttled calls reach them as errors (``ThrottlingException``
after the SDK's retries). Metric filters publish a dimensioned metric only for matching lines.

Noise is deterministic: each model draws from its own seeded generator, so a scenario gives the
same figures on every run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

from llm_monitor import catalogue as cat
from llm_monitor.simulate.metrics import Datapoint, MetricStore, metric_key
from llm_monitor.simulate.scenario import Event, GuardrailProfile, Profile, Spread, multiplier

_Z90 = NormalDist().inv_cdf(0.9)


@dataclass(frozen=True)
class Readings:
    """How to read what AWS leaves open (see the module doc)."""

    invocations_include_errors: bool = True
    zero_counts: bool = False
    fill_empty: bool = True
    """Whether FILL() fills a range in which the series has no data at all (``expression.py``)."""


@dataclass(frozen=True)
class Target:
    """A model the traffic is for: its name, the ModelId Bedrock publishes, the tiers its config declares."""

    name: str
    model_id: str
    tiers: tuple[str, ...] = ("default",)

    @property
    def tiered(self) -> bool:
        """The model's config declares tiers besides Standard: its tier series matter."""
        return self.tiers != ("default",)


@dataclass(frozen=True)
class Minute:
    """One model's calls in one minute, by outcome."""

    attempts: int
    before_bedrock: int
    throttled: int
    client_errors: int
    server_errors: int
    succeeded: int
    streaming: int

    @property
    def reached(self) -> int:
        return self.attempts - self.before_bedrock

    @property
    def accepted(self) -> int:
        return self.reached - self.throttled


def effective(profile: Profile, events: Iterable[Event], minute: int, hour: int) -> tuple[Profile, float, float]:
    """The profile in force at ``minute`` (wall-clock ``hour``): (profile, latency factor, output-token factor)."""
    slow, longer = 1.0, 1.0
    if profile.hourly:
        profile = profile.model_copy(update={"requests": profile.requests * profile.rate_factor(hour)})
    for event in events:
        if not event.active(minute):
            continue
        update = {}
        for field in ("client_errors", "server_errors", "throttles", "pre_bedrock_failures"):
            value = getattr(event, field)
            if value is not None:
                update[field] = value
        if isinstance(event.requests, str):
            update["requests"] = profile.requests * multiplier(event.requests)
        elif event.requests is not None:
            update["requests"] = float(event.requests)
        if event.no_traffic:
            update["requests"] = 0.0
        if event.tiers is not None:
            update["tiers"] = event.tiers
        profile = profile.model_copy(update=update)
        if event.tier is None:
            slow *= multiplier(event.latency)
            longer *= multiplier(event.output_tokens)
    return profile, slow, longer


def tier_factors(events: Iterable[Event], minute: int) -> dict[str, tuple[float, float]]:
    """(latency, output-token) multipliers of the events that apply to one service tier only."""
    factors: dict[str, tuple[float, float]] = {}
    for event in events:
        if event.tier is not None and event.active(minute):
            slow, longer = factors.get(event.tier, (1.0, 1.0))
            factors[event.tier] = (slow * multiplier(event.latency), longer * multiplier(event.output_tokens))
    return factors


def draw(rng: random.Random | None, profile: Profile) -> Minute:
    """One minute of calls: a Poisson count around the rate (times the profile's extra noise), split
    by outcome. Without ``rng``, the expected minute (every count at its mean, rounded)."""
    if rng is None:
        rate = profile.requests
        attempts = round(rate)
    else:
        rate = profile.requests * max(0.0, 1 + profile.noise * rng.gauss(0, 1)) if profile.requests else 0.0
        attempts = _poisson(rng, rate)
    before = _binomial(rng, attempts, profile.pre_bedrock_failures)
    throttled = _binomial(rng, attempts - before, profile.throttles)
    accepted = attempts - before - throttled
    client = _binomial(rng, accepted, profile.client_errors)
    server = _binomial(rng, accepted - client, profile.server_errors)
    succeeded = accepted - client - server
    return Minute(attempts, before, throttled, client, server, succeeded, _binomial(rng, succeeded, profile.streaming))


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _binomial(rng: random.Random | None, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if rng is None:
        return round(n * p)
    if n > 200:
        mean = n * p
        return min(n, max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - p))))))
    return sum(1 for _ in range(n) if rng.random() < p)


def _sigma(spread: Spread) -> float:
    """The log-spread of a lognormal with this p50 and p90."""
    return math.log(spread.p90 / spread.p50) / _Z90


class Publisher:
    """Writes one model's minutes into a metric store, as Bedrock and the metric filters would."""

    def __init__(self, store: MetricStore, target: Target, readings: Readings, app_namespace: str) -> None:
        self.store, self.target, self.readings, self.app_namespace = store, target, readings, app_namespace
        self.by_model = ((cat.MODEL_ID, target.model_id),)

    def publish(
        self,
        minute: int,
        calls: Minute,
        profile: Profile,
        slow: float,
        longer: float,
        tier_slow: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        """``slow`` multiplies latency (an event's, times this minute's jitter), ``longer`` output tokens;
        ``tier_slow`` adds (latency, output-token) multipliers for the calls one tier serves."""
        if calls.reached:
            self._bedrock(minute, calls, profile, slow, longer, tier_slow or {})
        if calls.attempts and profile.application_logs:
            self._application(minute, calls, profile)

    def _count(self, metric: cat.Metric, minute: int, value: int, dims: Sequence[tuple[str, str]], zero: bool) -> None:
        if value or zero:
            self.store.put(metric_key(metric.namespace, metric.name, dims), minute, Datapoint.counted(float(value)))

    def _sampled(
        self, metric: cat.Metric, minute: int, datapoint: Datapoint | None, dims: Sequence[tuple[str, str]] = ()
    ) -> None:
        if datapoint is not None and datapoint.count:
            self.store.put(metric_key(metric.namespace, metric.name, dims or self.by_model), minute, datapoint)

    def _dims(self, requested: str, served: str) -> tuple[tuple[str, str], ...]:
        return (*self.by_model, (cat.SERVICE_TIER, requested), (cat.RESOLVED_SERVICE_TIER, served))

    def _split(self, calls: Minute, profile: Profile, longer: float) -> dict[tuple[str, str], Minute]:
        """The minute's calls by (requested, served) tier."""
        shares: dict[str, float] = {t: v for t, v in profile.tiers.items() if t in self.target.tiers and t != "default"}
        shares["default"] = max(0.0, 1 - sum(shares.values()))
        pairs = {(t, t): m for t, m in _divide(calls, shares).items() if m.reached}
        reserved = pairs.pop(("reserved", "reserved"), None)
        if reserved is not None:
            # The reservation serves as many calls as its tokens per minute allow; Standard the rest.
            per_call = profile.input_tokens + profile.output_tokens.p50 * longer
            capacity = profile.reserved_tokens_per_minute
            room = reserved.reached if capacity is None else min(reserved.reached, int(capacity // per_call))
            served = _divide(reserved, {"reserved": float(room), "default": float(reserved.reached - room)})
            pairs.update({("reserved", t): m for t, m in served.items() if m.reached})
        return pairs

    def _bedrock(
        self,
        minute: int,
        calls: Minute,
        profile: Profile,
        slow: float,
        longer: float,
        tier_slow: Mapping[str, tuple[float, float]],
    ) -> None:
        zero = self.readings.zero_counts
        pairs = self._split(calls, profile, longer) if self.target.tiered else {("default", "default"): calls}
        groups: list[tuple[Sequence[tuple[str, str]], Minute]] = [(self.by_model, calls)]
        if self.target.tiered:
            groups += [(self._dims(*pair), part) for pair, part in pairs.items()]
        for dims, part in groups:
            invocations = part.accepted if self.readings.invocations_include_errors else part.succeeded
            self._count(cat.INVOCATIONS, minute, invocations, dims, zero)
            self._count(cat.INVOCATION_CLIENT_ERRORS, minute, part.client_errors, dims, zero)
            self._count(cat.INVOCATION_SERVER_ERRORS, minute, part.server_errors, dims, zero)
            self._count(cat.INVOCATION_THROTTLES, minute, part.throttled, dims, zero)
        if not calls.succeeded:
            return
        samples = {}
        for pair, part in pairs.items():
            if part.succeeded:
                tier_slower, tier_longer = tier_slow.get(pair[1], (1.0, 1.0))
                samples[pair] = self._samples(part, profile, slow * tier_slower, longer * tier_longer)
        for metric in _SAMPLED:
            self._sampled(metric, minute, Datapoint.merged(s.get(metric) for s in samples.values()))
            if self.target.tiered:
                for pair, sample in samples.items():
                    self._sampled(metric, minute, sample.get(metric), self._dims(*pair))
        # Tokens served from a reservation do not draw on the on-demand quota (see the module doc).
        quota = sum(s[_QUOTA].total for pair, s in samples.items() if pair[1] != "reserved")
        self._count(cat.ESTIMATED_TPM_QUOTA_USAGE, minute, round(quota), self.by_model, False)

    def _samples(self, calls: Minute, profile: Profile, slow: float, longer: float) -> dict[cat.Metric, Datapoint]:
        """The per-call metrics of one group of successful calls (one served tier's, or all of them)."""
        ok = calls.succeeded
        out = Spread(p50=profile.output_tokens.p50 * longer, p90=profile.output_tokens.p90 * longer)
        ttft = profile.time_to_first_token_ms
        generation = 1000 / profile.output_tokens_per_second
        # Latency = time to first token + output tokens / decode speed (both slowed by ``slow``).
        latency = Spread(p50=(ttft.p50 + out.p50 * generation) * slow, p90=(ttft.p90 + out.p90 * generation) * slow)
        samples = {cat.INVOCATION_LATENCY: Datapoint.distributed(ok, latency.p50, _sigma(latency))}
        if calls.streaming:
            samples[cat.TIME_TO_FIRST_TOKEN] = Datapoint.distributed(calls.streaming, ttft.p50 * slow, _sigma(ttft))
        tokens_out = Datapoint.distributed(ok, out.p50, _sigma(out))
        samples[cat.OUTPUT_TOKEN_COUNT] = tokens_out
        tokens_in = ok * profile.input_tokens
        samples[cat.INPUT_TOKEN_COUNT] = Datapoint(ok, tokens_in, 0, 0)
        read, write = ok * profile.cache_read_tokens, ok * profile.cache_write_tokens
        if read:
            samples[cat.CACHE_READ_INPUT_TOKENS] = Datapoint(ok, read, 0, 0)
        if write:
            samples[cat.CACHE_WRITE_INPUT_TOKENS] = Datapoint(ok, write, 0, 0)
        quota = tokens_in + write + tokens_out.total * profile.quota_burndown
        samples[_QUOTA] = Datapoint(ok, quota, 0, 0)
        return samples

    def _application(self, minute: int, calls: Minute, profile: Profile) -> None:
        failed = calls.before_bedrock + calls.throttled + calls.client_errors + calls.server_errors
        requests = cat.in_namespace(cat.INFERENCE_REQUESTS, self.app_namespace)
        errors = cat.in_namespace(cat.INFERENCE_ERRORS, self.app_namespace)
        self._count(requests, minute, calls.attempts, self.by_model, False)
        self._count(errors, minute, failed, self.by_model, False)
        shares = apportion(calls.attempts, profile.applications)
        failures = apportion(failed, profile.applications)
        for app in sorted(profile.applications):
            dims = ((cat.APPLICATION, app),)
            self._add(requests, minute, shares[app], dims)
            self._add(errors, minute, failures[app], dims)

    def _add(self, metric: cat.Metric, minute: int, value: int, dims: Sequence[tuple[str, str]]) -> None:
        """Application series are shared by every model an application calls: counts add up."""
        if not value:
            return
        key = metric_key(metric.namespace, metric.name, dims)
        current = self.store.at(key, minute)
        total = value + (current.total if current else 0)
        self.store.put(key, minute, Datapoint.counted(total))


#: Published once per call (sampled), in this order; the quota estimate is counted apart.
_SAMPLED = (
    cat.INVOCATION_LATENCY,
    cat.TIME_TO_FIRST_TOKEN,
    cat.OUTPUT_TOKEN_COUNT,
    cat.INPUT_TOKEN_COUNT,
    cat.CACHE_READ_INPUT_TOKENS,
    cat.CACHE_WRITE_INPUT_TOKENS,
)
_QUOTA = cat.ESTIMATED_TPM_QUOTA_USAGE


_OUTCOMES = ("before_bedrock", "throttled", "client_errors", "server_errors", "succeeded")


def _divide(calls: Minute, shares: dict[str, float]) -> dict[str, Minute]:
    """One minute's calls divided by ``shares``, outcome by outcome (whole numbers that add up)."""
    parts = {f: apportion(getattr(calls, f), shares) for f in _OUTCOMES}
    streaming = apportion(calls.streaming, {k: float(parts["succeeded"][k]) for k in shares})
    return {
        k: Minute(
            attempts=sum(parts[f][k] for f in _OUTCOMES),
            before_bedrock=parts["before_bedrock"][k],
            throttled=parts["throttled"][k],
            client_errors=parts["client_errors"][k],
            server_errors=parts["server_errors"][k],
            succeeded=parts["succeeded"][k],
            streaming=streaming[k],
        )
        for k in shares
    }


def apportion(count: int, shares: dict[str, float]) -> dict[str, int]:
    """``count`` split by ``shares`` into whole numbers that add up (largest remainders first)."""
    total = sum(shares.values()) or 1.0
    exact = {k: count * v / total for k, v in shares.items()}
    whole = {k: int(v) for k, v in exact.items()}
    left = count - sum(whole.values())
    for key in sorted(exact, key=lambda k: (whole[k] - exact[k], k))[:left]:
        whole[key] += 1
    return whole


def delivery(store: MetricStore, minute: int, records: int, failing: float, rng: random.Random | None) -> None:
    """Invocation-log delivery to CloudWatch Logs: one record per accepted call."""
    failed = _binomial(rng, records, failing)
    for metric, value in (
        (cat.LOGS_CLOUDWATCH_DELIVERY_SUCCESS, records - failed),
        (cat.LOGS_CLOUDWATCH_DELIVERY_FAILURE, failed),
    ):
        if value:
            store.put(metric_key(metric.namespace, metric.name), minute, Datapoint.counted(float(value)))


#: The guardrail series the guardrail alarms read: every evaluation in the Region.
APPLY_GUARDRAIL = (("Operation", "ApplyGuardrail"),)


def guardrail_profile(
    profile: GuardrailProfile, events: Iterable[Event], minute: int
) -> tuple[GuardrailProfile, float]:
    """The guardrail traffic in force at ``minute`` (stack-wide events), and its latency factor."""
    slow = 1.0
    update: dict[str, float] = {}
    for event in events:
        if not event.active(minute):
            continue
        for field in ("client_errors", "server_errors", "interventions"):
            value = getattr(event, f"guardrail_{field}")
            if value is not None:
                update[field] = value
        slow *= multiplier(event.guardrail_latency)
    return (profile.model_copy(update=update) if update else profile), slow


def guardrails(
    store: MetricStore,
    minute: int,
    profile: GuardrailProfile,
    slow: float,
    rng: random.Random | None,
    readings: Readings,
) -> None:
    """One minute of guardrail evaluations, published as Bedrock publishes its runtime metrics: throttled
    evaluations count only as throttles, errors also in Invocations (or not, under the other reading),
    interventions and latency come from successful evaluations, and nothing at all in an empty minute."""
    if rng is None:
        attempts = round(profile.requests)
    else:
        attempts = _poisson(rng, profile.requests * max(0.0, 1 + profile.noise * rng.gauss(0, 1)))
    throttled = _binomial(rng, attempts, profile.throttles)
    accepted = attempts - throttled
    client = _binomial(rng, accepted, profile.client_errors)
    server = _binomial(rng, accepted - client, profile.server_errors)
    ok = accepted - client - server
    intervened = _binomial(rng, ok, profile.interventions)
    if not attempts:
        return
    zero = readings.zero_counts
    invocations = accepted if readings.invocations_include_errors else ok
    for metric, value in (
        (cat.GUARDRAIL_INVOCATIONS, invocations),
        (cat.GUARDRAIL_CLIENT_ERRORS, client),
        (cat.GUARDRAIL_SERVER_ERRORS, server),
        (cat.GUARDRAIL_THROTTLES, throttled),
        (cat.GUARDRAIL_INVOCATIONS_INTERVENED, intervened),
    ):
        if value or zero:
            store.put(
                metric_key(metric.namespace, metric.name, APPLY_GUARDRAIL), minute, Datapoint.counted(float(value))
            )
    if ok:
        jitter = 1.0 if rng is None else math.exp(profile.noise * rng.gauss(0, 1))
        spread = profile.latency_ms
        latency = Datapoint.distributed(ok, spread.p50 * slow * jitter, _sigma(spread))
        key = metric_key(
            cat.GUARDRAIL_INVOCATION_LATENCY.namespace, cat.GUARDRAIL_INVOCATION_LATENCY.name, APPLY_GUARDRAIL
        )
        store.put(key, minute, latency)
