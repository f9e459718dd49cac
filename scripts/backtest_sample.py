"""Writes the backtest sample (examples/accounts/): a measure history of 100 accounts over 15
months (history.csv), their segments (segments.csv), one renewal or churn each
(outcomes.csv), made from a hidden health that drifts month by month, so that a score built on
the default scorecard's measures has something real to find. Deterministic (seeded): rerunning
writes the same bytes. `python scripts/backtest_sample.py`"""

from __future__ import annotations

import csv
import math
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "examples" / "accounts"


def main() -> None:
    rng = random.Random(2026)
    start = date(2025, 1, 1)
    history: list[tuple[str, str, str, object]] = []
    segments: list[tuple[str, str, str]] = []
    outcomes: list[tuple[str, str, str]] = []
    for a in range(100):
        acct = f"acct-{a:03d}"
        health = rng.uniform(25, 95)
        drift = rng.gauss(0, 2.5)
        segment = rng.choice(["high_touch", "mid_touch", "tech_touch"])
        segments.append((acct, segment, start.isoformat()))
        renewal_month = rng.randrange(9, 15)
        at_renewal = health
        for month in range(15):
            day = start + timedelta(days=30 * month + rng.randrange(0, 5))
            h = max(0.0, min(100.0, health + drift * month + rng.gauss(0, 4)))
            if month == renewal_month:
                at_renewal = h
            history.append((acct, "license_utilization", day.isoformat(), round(max(0, min(100, h + rng.gauss(5, 18))), 1)))
            history.append((acct, "user_engagement", day.isoformat(), round(max(0, min(100, h + rng.gauss(-5, 22))), 1)))
            history.append((acct, "ci_adoption", day.isoformat(), round(max(0, min(100, h + rng.gauss(0, 30))), 1)))
            history.append((acct, "days_since_last_touch", day.isoformat(),
                            max(0, round(70 - 0.6 * h + rng.gauss(0, 15)))))
            if month % 3 == 0 and segment != "tech_touch":
                seen = h + rng.gauss(0, 15)  # a CSM's read of the account
                word = "red" if seen < 40 else "yellow" if seen < 65 else "green"
                history.append((acct, "csm_sentiment", day.isoformat(), word))
        # what no measure sees: budget cuts, a champion leaving
        shock = rng.gauss(0, 12)
        churn = rng.random() < 1 / (1 + math.exp((at_renewal + shock - 45) / 8))
        at = start + timedelta(days=30 * renewal_month + 15)
        outcomes.append((acct, "churned" if churn else "renewed", at.isoformat()))
    OUT.mkdir(parents=True, exist_ok=True)
    for name, header, rows in [
        ("history.csv", ["account", "measure", "observed_at", "value"], history),
        ("segments.csv", ["account", "segment", "from"], segments),
        ("outcomes.csv", ["account", "outcome", "at"], outcomes),
    ]:
        with (OUT / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
    print(f"wrote {len(history)} observations, {len(outcomes)} outcomes to {OUT}")


if __name__ == "__main__":
    main()
