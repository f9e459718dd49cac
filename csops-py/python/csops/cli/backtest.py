"""`python -m csops backtest HISTORY OUTCOMES`: does the score predict churn? (SPEC §13).

Scores every outcome's account 30, 60 and 90 days before it from the measure history, and
prints per lead time the pairs, the AUC with its 95 % bootstrap interval, churn per band, the
missed churn and the false alarms; with `--against`, a second scorecard side by side; with
`--suggest-weights SPLIT`, weights fitted before SPLIT and judged after it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import RenderableType

import csops
from csops.cli.output import (
    PROG,
    Prose,
    console,
    count,
    cut,
    emit,
    label,
    line,
    number,
    table,
    write_page,
)
from csops.cli.reading import InputProblem, day, read_book, read_scorecard

EPILOG = """\
HISTORY has one row per observation: columns account, measure (a scorecard measure id),
observed_at (a date) and value (a number, or a category name such as green); rows in any order,
any number per measure. The score as of a date uses each measure's latest value on or before
it (stale past the measure's ttl_days), never a later one.
OUTCOMES has one row per renewal or churn: columns account, outcome (churned or renewed), at.
--segments FILE: columns account, segment, from (each account's segment from that day on).
Files are .csv or .parquet; --scorecard and --against are .json or .toml scorecards.

example: {prog} backtest examples/accounts/history.csv examples/accounts/outcomes.csv \\
           --segments examples/accounts/segments.csv"""


def lead_days(text: str) -> list[int]:
    """`--lead-days 30,60,90`."""
    try:
        days = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{cut(text, 64)!r}: give days like 30,60,90") from None
    if not days or any(d < 0 for d in days):
        raise argparse.ArgumentTypeError(f"{cut(text, 64)!r}: give days like 30,60,90")
    return days


def register(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "backtest", help="does the score predict churn? backtest it over a measure history",
        description="Backtest a health scorecard over a measure history and outcomes (SPEC §13).",
        epilog=EPILOG.format(prog=PROG), formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False)
    p.add_argument("history", metavar="HISTORY", help="the measure history: .csv or .parquet (below)")
    p.add_argument("outcomes", metavar="OUTCOMES", help="renewals and churn: .csv or .parquet (below)")
    p.add_argument("--scorecard", metavar="A", help="the scorecard, .json or .toml (default: the built-in one)")
    p.add_argument("--against", metavar="B", help="a second scorecard to compare side by side")
    p.add_argument("--segments", metavar="FILE", help="each account's segment over time (below)")
    p.add_argument("--lead-days", type=lead_days, metavar="DAYS", default=[30, 60, 90],
                   help="lead times in days, comma-separated (default: 30,60,90)")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                   help="bootstrap rounds for the AUC's interval (default: 1000)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="the bootstrap's seed (default: 0)")
    p.add_argument("--suggest-weights", type=day, metavar="SPLIT",
                   help="fit weights on outcomes before SPLIT, judge them on the rest")
    p.add_argument("-o", "--output", metavar="OUT.toml",
                   help="with --suggest-weights: write the suggested scorecard there")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--html", metavar="FILE",
                   help="also write the report as a page: AUC, ROC curves, churn per band (opens offline)")
    p.set_defaults(run=run)
    return p


def read_history(path: Path) -> Any:
    """A measure history; a CSV's value cells that read as numbers are numbers, the others
    category names (a CSV column holds text)."""
    pd = __import__("pandas")
    h = read_book(path)
    if "value" in h.columns and not pd.api.types.is_numeric_dtype(h["value"]):
        numbers = pd.to_numeric(h["value"], errors="coerce")
        h["value"] = numbers.astype(object).where(numbers.notna(), h["value"])
    return h


def auc(x: float | None) -> str:
    return "—" if x is None or x != x else f"{x:.3f}"


def interval(low: float | None, high: float | None) -> str:
    if low is None or high is None or low != low or high != high:
        return "—"
    return f"{low:.3f}–{high:.3f}"


def share(x: float | None) -> str:
    return "—" if x is None or x != x else f"{x:.1f} %"


def summary(b: csops.Backtest) -> RenderableType:
    rows = [[f"{int(r.lead_days)} d", count(int(r.pairs)), share(100 * r.unknown_share),
             auc(r.auc), interval(r.auc_low, r.auc_high), share(r.churn_rate),
             count(int(r.missed_churn)), count(int(r.false_alarms))]
            for r in b.summary.itertuples()]
    return table(label("lead"), number("pairs"), number("unknown"), number("AUC"),
                 number("95 % interval"), number("churn"), number("missed churn"),
                 number("false alarms"), rows=rows)


def bands(b: csops.Backtest, lead: int) -> RenderableType:
    rows = [[str(r.band), count(int(r.accounts)), count(int(r.churned)), share(r.churn_rate),
             "—" if r.lift is None or r.lift != r.lift else f"{r.lift:.2f}"]
            for r in b.bands.itertuples() if r.lead_days == lead and (r.accounts or r.band != csops.UNKNOWN_BAND)]
    return table(label("band"), number("accounts"), number("churned"), number("churn rate"),
                 number("lift"), rows=rows)


def listed(frame: Any, lead: int, most: int = 5) -> list[RenderableType]:
    rows = frame[frame.lead_days == lead].head(most)
    return [Prose.of(f"{r.account}: {'Unknown' if r.score != r.score else f'{r.score:.1f}'} "
                     f"as of {r.as_of}; {'; '.join(r.reasons) or 'no points lost'}", "  ", "    ")
            for r in rows.itertuples()]


def report(b: csops.Backtest, card: csops.Scorecard, name: str, n: int) -> list[RenderableType]:
    out: list[RenderableType] = [line(f"Backtest of {name} (version {b.scorecard['version'] or 'none'}, "
                                      f"hash {b.scorecard['hash'][:12]}) on {count(n)} outcomes"), ""]
    out += [summary(b), ""]
    longest = max(b.lead_days)
    top, bottom = card.bands[-1], card.bands[0]
    out += [line(f"Churn per band, {longest} days before:"), bands(b, longest), ""]
    missed = b.missed_churn[b.missed_churn.lead_days == longest]
    alarms = b.false_alarms[b.false_alarms.lead_days == longest]
    out.append(line(f"Missed churn (churned while {top}), {longest} days before: {count(len(missed))}"))
    out += listed(b.missed_churn, longest)
    out.append(line(f"False alarms (renewed while {bottom}), {longest} days before: {count(len(alarms))}"))
    out += listed(b.false_alarms, longest)
    return out


def comparison(c: csops.Comparison, a_name: str, b_name: str) -> list[RenderableType]:
    rows = []
    for r in c.summary.itertuples():
        if r.low is None or r.low != r.low:
            verdict = "—"
        elif r.low > 0:
            verdict = "B separates better"
        elif r.high < 0:
            verdict = "A separates better"
        else:
            verdict = "cannot tell apart"
        rows.append([f"{int(r.lead_days)} d", auc(r.auc_a), auc(r.auc_b),
                     "—" if r.difference is None or r.difference != r.difference else f"{r.difference:+.3f}",
                     interval(r.low, r.high), verdict])
    return ["", Prose.of(f"A = {a_name}, B = {b_name}: the AUCs side by side, B − A with a paired "
                         "interval", "", "  "),
            table(label("lead"), number("AUC A"), number("AUC B"), number("B − A"),
                  number("95 % interval"), label("verdict"), rows=rows)]


def suggestion(s: csops.WeightSuggestion, out_path: Path | None) -> list[RenderableType]:
    a = s.auc.set_index("period")
    w = s.weights
    rows = [[str(r.measure), str(r.group), f"{r.current:.1f} %", f"{r.suggested:.1f} %"] for r in w.itertuples()]
    out: list[RenderableType] = [
        "", line("Suggested weights (fitted before the split, judged after it; nothing applied):"),
        table(label("measure"), label("group"), number("now"), number("suggested"), rows=rows),
        line(f"AUC in sample ({count(int(a.loc['in sample', 'pairs']))} pairs): "
             f"now {auc(a.loc['in sample', 'current'])}, suggested {auc(a.loc['in sample', 'suggested'])}"),
        line(f"AUC out of sample ({count(int(a.loc['out of sample', 'pairs']))} pairs): "
             f"now {auc(a.loc['out of sample', 'current'])}, suggested {auc(a.loc['out of sample', 'suggested'])}"),
    ]
    if out_path is not None:
        out_path.write_text(s.to_toml(), encoding="utf-8")
        out.append(line(f"Wrote the suggested scorecard (version {s.scorecard.identity['version']}) to {out_path}"))
    return out


def run(args: argparse.Namespace) -> int:
    card, card_name = read_scorecard(Path(args.scorecard) if args.scorecard else None)
    other = read_scorecard(Path(args.against)) if args.against else None
    out_path = Path(args.output) if args.output else None
    if out_path is not None and args.suggest_weights is None:
        raise InputProblem("-o writes a suggested scorecard: give --suggest-weights SPLIT too")
    history = read_history(Path(args.history))
    outcomes = read_book(Path(args.outcomes))
    segments = read_book(Path(args.segments)) if args.segments else None
    options = {"lead_days": args.lead_days, "bootstrap": args.bootstrap, "seed": args.seed}
    try:
        b = card.backtest(history, outcomes, segments=segments, **options)
        c = card.compare(other[0], history, outcomes, segments=segments, **options) if other else None
        s = (card.suggest_weights(history, outcomes, segments=segments, split=args.suggest_weights)
             if args.suggest_weights else None)
    except csops.CsopsError as e:
        raise InputProblem(str(e)) from None
    wrote = write_page(args.html, b.to_html(), "the backtest's page") if args.html else None
    if args.json:
        if wrote:
            print(wrote, file=sys.stderr)
        doc: dict[str, Any] = {"backtest": b.to_dict()}
        if c is not None:
            doc["comparison"] = c.to_dict()
        if s is not None:
            doc["suggested_weights"] = s.to_dict()
        print(json.dumps(doc, indent=2))
        if s is not None and out_path is not None:
            out_path.write_text(s.to_toml(), encoding="utf-8")
        return 0
    out = report(b, card, card_name, len(outcomes))
    if c is not None and other is not None:
        out += comparison(c, card_name, other[1])
    if s is not None:
        out += suggestion(s, out_path)
    if wrote:
        out += ["", line(wrote)]
    emit(console(), out)
    return 0
