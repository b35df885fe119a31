"""Progress between measurements, the one service that pages, plans and monitoring reuse.

Scales differ in direction (on the life-domain matrix 5 is bad, on the participation ladder 6 is good),
so every change is normalised: positive means the household is better off, whatever the scale.
"""

from dataclasses import dataclass

from wijkkracht.diagnosis.models import Measurement
from wijkkracht.instruments.definitions import InstrumentDefinition


@dataclass(frozen=True)
class DomainChange:
    code: str
    label: str
    before: int | None
    after: int | None
    change: int | None  # scale steps, positive = better

    @property
    def direction(self) -> str:
        if self.change is None:
            return "unknown"
        return "better" if self.change > 0 else "worse" if self.change < 0 else "same"


@dataclass(frozen=True)
class Progress:
    before: Measurement
    after: Measurement
    domains: tuple[DomainChange, ...]
    green_share_before: float
    green_share_after: float

    def count(self, direction: str) -> int:
        return sum(1 for domain in self.domains if domain.direction == direction)

    @property
    def improved(self) -> int:
        return self.count("better")

    @property
    def same(self) -> int:
        return self.count("same")

    @property
    def worse(self) -> int:
        return self.count("worse")


def scores_of(measurement: Measurement) -> dict[str, int]:
    """Scores by domain; uses prefetched scores when the caller prefetched them."""
    return {score.domain_code: score.value for score in measurement.scores.all()}


def green_share(measurement: Measurement) -> float:
    """Share of scored domains whose value is green on the scale (e.g. zelf or sociaal netwerk)."""
    definition = measurement.instrument.parsed
    scores = scores_of(measurement)
    if not scores:
        return 0.0
    green = {item.value for item in definition.scale if item.tone == "green"}
    return sum(1 for value in scores.values() if value in green) / len(scores)


def progress_between(before: Measurement, after: Measurement) -> Progress:
    """Change per domain from `before` to `after` (same instrument; versions may differ, domains match by code)."""
    if before.instrument_code != after.instrument_code:
        raise ValueError("progress compares two measurements of the same instrument")
    definition: InstrumentDefinition = after.instrument.parsed
    before_scores, after_scores = scores_of(before), scores_of(after)
    domains = []
    for domain in definition.domains:
        old, new = before_scores.get(domain.code), after_scores.get(domain.code)
        change = definition.improvement(old, new) if old is not None and new is not None else None
        domains.append(DomainChange(domain.code, domain.label, old, new, change))
    return Progress(
        before=before,
        after=after,
        domains=tuple(domains),
        green_share_before=green_share(before),
        green_share_after=green_share(after),
    )
