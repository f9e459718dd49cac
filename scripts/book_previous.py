"""Writes examples/accounts/scores-previous.csv: the sample book's accounts as they scored a
quarter earlier (the book with its usage measures moved by a fixed amount per account), as
`python -m csops score ... -o` writes them, for `score --previous` and the book's page."""

from pathlib import Path

import pandas as pd

import csops

HERE = Path(__file__).resolve().parent.parent / "examples" / "accounts"
# How far each account's usage measures moved since the last quarter (points): a fall is a
# negative number here, so its earlier score was higher.
MOVED = {"acme": 8, "globex": -12, "initech": 25, "umbrella": -30, "hooli": 3, "soylent": 15,
         "stark": 0, "wayne": -18}
USAGE = ["license_utilization", "user_engagement", "scm_adoption", "ci_adoption",
         "devsecops_adoption", "cd_adoption"]


def main() -> None:
    book = pd.read_csv(HERE / "book.csv")
    earlier = book.copy()
    for col in USAGE:
        earlier[col] = (book[col] - book["account"].map(MOVED).fillna(0)).clip(0, 100)
    scores = csops.Scorecard.default().score_batch(earlier, segment=earlier["segment"])
    out = earlier[["account"]].join(scores[["score", "band"]])
    out.to_csv(HERE / "scores-previous.csv", index=False, float_format="%.4f")


if __name__ == "__main__":
    main()
