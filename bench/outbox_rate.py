"""The outbox pump's pace against the tests' fake Slack: messages a second over many channels,
with and without latency per call, and the spacing of posts within one channel (Slack allows
about one a second per channel; the pump should come close to that, not to one per 2 s).

    .venv/bin/python bench/outbox_rate.py --messages 2000 --channels 400 --latency 0.15

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import project_root  # noqa: F401 - before `from tests...`

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.console.local_slack import Intercepted
from bot.outbox import enqueue, pending_count
from tests.fakes.slack import FakeSlack


class SlowSlack(FakeSlack):
    """The fake Slack, each call answered after `latency` seconds."""

    latency = 0.0

    def intercept(self, method: str) -> Intercepted | None:
        if self.latency:
            time.sleep(self.latency)
        return super().intercept(method)


def run(messages: int, channels: int, latency: float, senders: int | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, SlowSlack() as slack:
        slack.latency = latency
        settings = Settings(bot_token="xoxb-bench", database_url=f"sqlite:///{Path(folder)}/b.db",
                            slack_api_url=slack.api_url,
                            options={"outbox_senders": senders} if senders else {})
        services = bootstrap(settings)
        with services.uow("bench") as uow:
            for n in range(messages):
                enqueue(uow, key=f"b:{n}", payload={"method": "chat.postMessage", "args": {
                    "channel": f"C{n % channels:05d}", "text": f"message {n}"}})
            uow.commit()
        assert services.pump is not None
        start = time.monotonic()
        services.pump.start()
        try:
            while True:
                with services.uow() as uow:
                    if pending_count(uow) == 0:
                        break
                time.sleep(0.05)
        finally:
            services.pump.stop()
        took = time.monotonic() - start
        by_channel: dict[str, list[float]] = {}
        for call in slack.calls_of("chat.postMessage"):
            by_channel.setdefault(str(call.args.get("channel")), []).append(call.at)
        gaps = [b - a for times in by_channel.values() for a, b in itertools.pairwise(times)]
        services.engine.dispose()
        floor = max(1.0, (messages / channels) - 1.0)  # one a second per channel
        return {"took": took, "rate": messages / took, "floor": floor, "ratio": took / floor,
                "gap_p50": statistics.median(gaps) if gaps else 0.0,
                "gap_min": min(gaps) if gaps else 0.0,
                "posts": len(slack.calls_of("chat.postMessage"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--latency", type=float, nargs="*", default=[0.0, 0.15])
    parser.add_argument("--senders", type=int, default=None)
    args = parser.parse_args()
    for latency in args.latency:
        found = run(args.messages, args.channels, latency, args.senders)
        print(f"latency {latency * 1000:.0f} ms: {args.messages} messages over {args.channels} "
              f"channels in {found['took']:.1f} s ({found['rate']:.0f}/s; floor "
              f"{found['floor']:.1f} s, ratio {found['ratio']:.2f}); per channel gap p50 "
              f"{found['gap_p50']:.2f} s, min {found['gap_min']:.2f} s; posts {found['posts']}")


if __name__ == "__main__":
    main()
