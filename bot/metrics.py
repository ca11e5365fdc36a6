"""Prometheus metrics, in a registry of the app's own (served at /metrics)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["Metrics"]


@dataclass
class Metrics:
    """The counters and histograms Coseller exports."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter("coseller_slack_requests_total", "Slack requests by kind",
                                ["kind"], registry=self.registry)
        self.errors = Counter("coseller_errors_total", "Errors answered politely", ["kind"],
                              registry=self.registry)
        self.ack_seconds = Histogram("coseller_ack_seconds", "Time to acknowledge a request",
                                     ["kind"], registry=self.registry,
                                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3))
        self.outbox_sent = Counter("coseller_outbox_sent_total", "Outbox messages delivered",
                                   registry=self.registry)
        self.outbox_failed = Counter("coseller_outbox_failures_total",
                                     "Outbox delivery failures by reason", ["reason"],
                                     registry=self.registry)
        self.duplicates = Counter("coseller_duplicate_events_total",
                                  "Slack events received again and skipped",
                                  registry=self.registry)
