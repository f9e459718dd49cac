"""A notebook, as a script: score a book of ~50,000 accounts with csops (issue #4).

Generates a realistic book with a fixed seed, segments it, scores it with the default scorecard
(last quarter and now), prints the band counts and the ten accounts that turned red with their
top reasons, computes NRR and GRR, validates last quarter's scores against churn, and saves a
PNG of the band distribution per segment.

    .venv/bin/python examples/notebook/health_book.py [--accounts 50000] [--png bands.png]
"""

from __future__ import annotations

import argparse
import math

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import csops


def make_book(n: int, seed: int = 2026) -> pd.DataFrame:
    """A book whose health drives churn, so that validation has something to find."""
    rng = np.random.default_rng(seed)
    arr = np.round(rng.lognormal(mean=10.5, sigma=1.3, size=n), 2)
    health = rng.beta(4, 2, n)  # the latent health of each account
    noise = lambda s: rng.normal(0, s, n)  # noqa: E731
    book = pd.DataFrame(
        {
            "arr": arr,
            "seats": np.maximum(5, (arr / 400).astype(int)),
            "public_sector": rng.random(n) < 0.04,
            "region": rng.choice(["AMER", "EMEA", "APAC"], n, p=[0.5, 0.3, 0.2]),
            "license_utilization": np.clip(health * 100 + noise(12), 0, 130),
            "user_engagement": np.clip(health * 95 + noise(15), 0, 100),
            "scm_adoption": np.clip(health * 100 + noise(20), 0, 100),
            "ci_adoption": np.clip(health * 90 + noise(20), 0, 100),
            "devsecops_adoption": np.clip(health * 70 + noise(25), 0, 100),
            "cd_adoption": np.clip(health * 80 + noise(25), 0, 100),
            "csm_sentiment": np.select([health < 0.35, health < 0.6], ["red", "yellow"], "green").astype(object),
            "outcomes_achieved": np.clip(health * 100 + noise(20), 0, 100),
            "nps_response": np.clip(np.round(health * 10 + noise(1.5)), 0, 10),
            "csat_response": np.clip(np.round(1 + health * 4 + noise(0.7)), 1, 5),
            "days_since_last_touch": np.clip((1 - health) * 90 + noise(10), 0, 365),
        },
        index=pd.Index([f"acct-{i:05d}" for i in range(n)], name="account"),
    )
    # Real data has holes: surveys are sparse, sentiment is often not logged.
    for col, share in [("nps_response", 0.55), ("csat_response", 0.6), ("csm_sentiment", 0.15),
                       ("outcomes_achieved", 0.3), ("devsecops_adoption", 0.1)]:
        book.loc[rng.random(n) < share, col] = np.nan if col != "csm_sentiment" else None
    book.attrs["health"] = health
    return book


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--png", default="target/health_bands.png")
    args = parser.parse_args()
    rng = np.random.default_rng(7)

    book = make_book(args.accounts)
    seg = csops.Segmentation()
    assigned = seg.assign_all(
        [{"id": i, "arr": float(a), "seats": int(s), "public_sector": bool(p), "region": r}
         for i, a, s, p, r in zip(book.index, book.arr, book.seats, book.public_sector, book.region)]
    )
    book["segment"] = [a["engagement"] for a in assigned]
    book["team"] = [a["team"] for a in assigned]

    card = csops.Scorecard.default()
    # Last quarter: the same book, a little healthier.
    last = book.copy()
    for m in ("license_utilization", "user_engagement", "scm_adoption", "ci_adoption"):
        last[m] = np.clip(last[m] + rng.normal(6, 8, len(book)), 0, 130)
    before = card.score_batch(last, segment=book["segment"])
    now = card.score_batch(book, segment=book["segment"], previous=before)

    print(f"{len(book):,} accounts scored with {len(card.measures)} measures")
    print("\nBands now (count):")
    print(now["band"].value_counts().reindex(card.bands + ["Unknown"]).to_string())

    turned = now.index[(now["band"] == "Red") & (before["band"] != "Red")]
    print(f"\n{len(turned):,} accounts turned red; the ten largest by ARR, with their top reasons:")
    for acct in book.loc[turned].sort_values("arr", ascending=False).index[:10]:
        row = book.loc[acct]
        values = {m: (None if isinstance(row[m], float) and math.isnan(row[m]) else row[m]) for m in card.measures}
        s = card.score(values, segment=row["segment"], previous=float(before.loc[acct, "score"]))
        print(f"  {acct}  ARR {row['arr']:>12,.0f}  {s.band_change}  score {s.score:.1f}  "
              f"reasons: {'; '.join(s.reasons(3))}")

    # A year on: red accounts churn more. NRR / GRR per account, then validation.
    p_churn = np.select([now["band"] == "Red", now["band"] == "Yellow"], [0.25, 0.08], 0.02)
    churned = rng.random(len(book)) < p_churn
    growth = np.where(now["band"] == "Green", rng.normal(1.12, 0.1, len(book)), rng.normal(0.97, 0.1, len(book)))
    arr_now = np.where(churned, 0.0, np.maximum(0.0, book["arr"].to_numpy() * growth))
    nrr = csops.metrics.nrr(start=book["arr"].tolist(), now=arr_now.tolist())
    grr = csops.metrics.grr(start=book["arr"].tolist(), now=arr_now.tolist())
    print(f"\nNRR {nrr:.1f} %, GRR {grr:.1f} %")
    v = card.validate(now["score"], churned)
    print(f"Validation: ROC AUC {v['auc']:.3f}, churn {v['churn_rate']:.1f} %")
    for b in v["bands"]:
        lift = "-" if b["lift"] is None else f"{b['lift']:.2f}"
        print(f"  {b['band']:<8} {b['accounts']:>6} accounts  churn {b['churn_rate'] or 0:5.1f} %  lift {lift}")

    table = pd.crosstab(book["segment"], now["band"], normalize="index").reindex(
        columns=card.bands + ["Unknown"], fill_value=0.0)
    ax = table.plot(kind="bar", stacked=True, figsize=(7, 4),
                    color=["#d9534f", "#f0ad4e", "#5cb85c", "#999999"])
    ax.set_ylabel("share of accounts")
    ax.set_title("Health bands per engagement model (default scorecard)")
    plt.tight_layout()
    import os
    os.makedirs(os.path.dirname(args.png) or ".", exist_ok=True)
    plt.savefig(args.png, dpi=100)
    print(f"\nchart: {args.png}")


if __name__ == "__main__":
    main()
