"""A notebook, as a script: score a book of ~50,000 accounts with csops (issue #4).

Generates a realistic book with a fixed seed, segments it, scores it with the default scorecard
(last quarter and now, as of AS_OF), prints the band counts and the ten accounts that turned red
with their top reasons, computes NRR and GRR, validates the scores against churn, and saves one
PNG: a stacked bar per engagement model (segment) with the share of its accounts in each band.

    .venv/bin/python examples/notebook/health_book.py [--accounts 50000] [--png bands.png]
"""

from __future__ import annotations

import argparse
import math
import os
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
from matplotlib.ticker import PercentFormatter
import numpy as np
import pandas as pd

import csops

AS_OF = date(2026, 11, 30)  # the day the book is scored ("now")
LAST_QUARTER = AS_OF - timedelta(days=91)  # the day of the previous scoring
SEGMENTS = ["high_touch", "mid_touch", "tech_touch"]  # engagement models, in chart order
BAND_COLORS = {"Red": "#d9534f", "Yellow": "#f0ad4e", "Green": "#5cb85c", "Unknown": "#999999"}
BAND_TEXT = {"Red": "white", "Yellow": "black", "Green": "white", "Unknown": "white"}
MIN_LABEL_PCT = 5.0  # segments of a bar smaller than this get no percent label


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
    bands = card.bands + ["Unknown"]
    # Last quarter: the same book, a little healthier.
    last = book.copy()
    for m in ("license_utilization", "user_engagement", "scm_adoption", "ci_adoption"):
        last[m] = np.clip(last[m] + rng.normal(6, 8, len(book)), 0, 130)
    before = card.score_batch(last, as_of=LAST_QUARTER, segment=book["segment"])
    now = card.score_batch(book, as_of=AS_OF, segment=book["segment"], previous=before)

    print(f"{len(book):,} accounts scored with {len(card.measures)} measures, as of {AS_OF}")
    counts = now["band"].value_counts().reindex(bands, fill_value=0)
    print("\nBands now (accounts, % of the book):")
    for band, k in counts.items():
        print(f"  {band:<8} {k:>7,}  {100 * k / len(book):5.1f} %")

    per_segment = pd.crosstab(book["segment"], now["band"]).reindex(
        index=segment_order(book["segment"]), columns=bands, fill_value=0)
    print("\nBands per engagement model (% of the segment's accounts):")
    for segment, row in per_segment.iterrows():
        shares = "  ".join(f"{b} {100 * row[b] / row.sum():5.1f} %" for b in bands)
        print(f"  {csops.title(segment):<12} {row.sum():>7,} accounts  {shares}")

    turned = now.index[(now["band"] == "Red") & (before["band"] != "Red")]
    print(f"\n{len(turned):,} accounts turned red; the ten largest by ARR, with their top reasons:")
    for acct in book.loc[turned].sort_values("arr", ascending=False).index[:10]:
        row = book.loc[acct]
        values = {m: (None if isinstance(row[m], float) and math.isnan(row[m]) else row[m]) for m in card.measures}
        s = card.score(values, as_of=AS_OF, segment=row["segment"], previous=float(before.loc[acct, "score"]))
        change = " -> ".join(s.band_change) if s.band_change else s.band
        print(f"  {acct}  {csops.title(row['segment']):<10}  ARR {row['arr']:>12,.0f}  {change}  "
              f"score {s.score:.1f}  reasons: {'; '.join(s.reasons(3))}")

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
        print(f"  {b['band']:<8} {b['accounts']:>6,} accounts  churn {b['churn_rate'] or 0:5.1f} %  lift {lift}")

    plot_bands(per_segment, args.png)
    print(f"\nchart: {args.png}")


def segment_order(segments: pd.Series) -> list[str]:
    """The engagement models present, in SEGMENTS order (any other segment after, by name)."""
    present = set(segments.dropna())
    return [s for s in SEGMENTS if s in present] + sorted(present - set(SEGMENTS))


def plot_bands(counts: pd.DataFrame, path: str) -> None:
    """One PNG: a stacked bar per segment, the share (%) of its accounts in each band."""
    shares = counts.div(counts.sum(axis=1), axis=0) * 100
    x = np.arange(len(shares))
    fig, ax = plt.subplots(figsize=(8, 5.2))
    bottom = np.zeros(len(shares))
    for band in shares.columns:
        share = shares[band].to_numpy()
        ax.bar(x, share, 0.6, bottom=bottom, color=BAND_COLORS.get(band, "#666666"),
               label=f"{band} ({counts[band].sum():,})", edgecolor="white", linewidth=0.8)
        for xi, b, h in zip(x, bottom, share):
            if h >= MIN_LABEL_PCT:
                ax.text(xi, b + h / 2, f"{h:.0f} %", ha="center", va="center", fontsize=11,
                        fontweight="bold", color=BAND_TEXT.get(band, "white"))
        bottom += share
    ax.set_xticks(x, [f"{csops.title(s)}\n(n={n:,})" for s, n in counts.sum(axis=1).items()], fontsize=11)
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=0, symbol=" %"))
    ax.set_ylabel("share of the segment's accounts", fontsize=11)
    ax.set_xlabel("engagement model", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"Health bands per engagement model, as of {AS_OF.isoformat()}\n"
                 f"default scorecard, {int(counts.to_numpy().sum()):,} accounts", fontsize=13)
    ax.legend(title="band (all accounts)", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=10, title_fontsize=10, reverse=True)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)

if __name__ == "__main__":
    main()
