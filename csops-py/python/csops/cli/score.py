"""`python -m csops score BOOK`: every account of a book health-scored (SPEC §10).

Prints the accounts per band; with `-o`, writes the book with the columns score, band and
coverage added, else prints its first rows.
"""

from __future__ import annotations

import argparse
import math
import textwrap
from pathlib import Path
from typing import Any

from rich.console import RenderableType

import csops
from csops.cli.output import (
    NONE,
    PROG,
    Prose,
    cell,
    console,
    count,
    cut,
    emit,
    flexible,
    label,
    line,
    names,
    number,
    percent,
    table,
    write_page,
)
from csops.cli.reading import BOOK_KINDS, InputProblem, day, needs, read_book, read_scorecard

EPILOG = """\
BOOK has one row per account and one column per measure, named by the scorecard's measure
ids; its other columns (an account id, a name, a segment) are kept and written out as they are.
An empty cell is a missing value. The default scorecard's measures:
  {measures}
--scorecard FILE is a scorecard in JSON or TOML; the default one, commented, is printed by
  python -c "import csops; print(csops.Scorecard.default_toml())"
--segment-column names the column holding each account's segment (an engagement model such as
tech_touch); a segment the scorecard has a profile for is scored with it.

Prints the accounts per band; with -o, writes the book with the columns score, band and
coverage added (.csv or .parquet), else prints the first rows.

example: {prog} score examples/accounts/book.csv --segment-column segment -o scores.csv"""

SCORED = ("score", "band", "coverage")  # the columns score_batch adds


def register(subparsers: Any) -> argparse.ArgumentParser:
    measures = textwrap.fill(", ".join(csops.Scorecard.default().measures), 94, subsequent_indent="  ")
    score: argparse.ArgumentParser = subparsers.add_parser(
        "score", help="health-score a book of accounts (.csv or .parquet)",
        description="Health-score every account of a book (SPEC §10).",
        epilog=EPILOG.format(measures=measures, prog=PROG),
        formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    score.add_argument("book", metavar="BOOK", help="the accounts: a .csv or .parquet file (below)")
    score.add_argument("--scorecard", metavar="FILE", help="a scorecard, .json or .toml (default: the built-in one)")
    score.add_argument("--segment-column", metavar="COL", help="the book's column holding each account's segment")
    score.add_argument("--as-of", type=day, metavar="DATE",
                       help="the day the scores are for (default: none given to the scorecard)")
    score.add_argument("-o", "--output", metavar="OUT", help="write the scores to OUT.csv or OUT.parquet")
    score.add_argument("--html", metavar="FILE",
                       help="also write the book's page: bands per segment, changes, movers (opens offline)")
    score.add_argument("--previous", metavar="FILE",
                       help="earlier scores of the same accounts (a file -o wrote): changes and movers")
    score.add_argument("--account-column", metavar="COL",
                       help="the column naming each account (default: account, else the first column)")
    score.set_defaults(run=run)
    return score


def at_account(e: csops.CsopsError, book: Any, book_path: Path) -> str:
    """A batch error about a row (its `.row`, counted from 0) as the account a person finds in
    the book: its index label, or its first column when the index is only positions."""
    # `.row` and `.rule` are set on an error about one row only (absent on the others).
    row: int | None = getattr(e, "row", None)
    rule: str | None = getattr(e, "rule", None)
    if row is None or rule is None or row >= len(book):
        return str(e)
    if type(book.index).__name__ == "RangeIndex" and len(book.columns):
        who = f"{book.columns[0]} {book.iloc[row, 0]!s}"
    else:
        who = f"account {book.index[row]!s}"
    where = f", line {row + 2} of {book_path.name}" if book_path.suffix.lower() == ".csv" else ""
    key = getattr(e, "key", None)
    return f"{who} (row {row + 1}{where}): " + (f"{key}: " if key else "") + rule


def run(args: argparse.Namespace) -> int:
    out_path: Path | None = Path(args.output) if args.output else None
    if out_path and out_path.suffix.lower() not in BOOK_KINDS:
        raise InputProblem(f"{out_path}: the scores are written as .csv or .parquet")
    card, card_name = read_scorecard(Path(args.scorecard) if args.scorecard else None)
    book_path = Path(args.book)
    book = read_book(book_path)
    columns = [str(c) for c in book.columns]
    segment = None
    if args.segment_column is not None:
        if args.segment_column not in columns:
            raise InputProblem(f"{book_path} has no column {cut(args.segment_column, 64)!r}; "
                               f"its columns: {names(columns)}")
        segment = book[args.segment_column]
    measured = [m for m in card.measures if m in columns]
    if not measured:
        raise InputProblem(f"{book_path} has none of the measures of {card_name} as a column; "
                           f"its columns: {names(columns)}; the measures: {names(card.measures)}")

    if args.previous and args.html is None:
        raise InputProblem("--previous compares on the book's page: give --html FILE too")
    # The earlier scores, aligned with the book: the same hysteresis for the file and the page.
    previous = read_previous(args, book, book_path) if args.previous else None
    try:
        scores = card.score_batch(book, as_of=args.as_of, segment=segment, previous=previous)
    except csops.CsopsError as e:
        raise InputProblem(at_account(e, book, book_path)) from None
    n = len(scores)
    bands: dict[str, int] = {str(k): int(v) for k, v in scores["band"].value_counts().items()}
    order = [b for b in [*card.bands, csops.UNKNOWN_BAND] if b in bands or b in card.bands]
    order += sorted(b for b in bands if b not in order)

    out: list[RenderableType] = [line(f"Scored {count(n)} accounts of {book_path} with {card_name}")]
    absent = [m for m in card.measures if m not in measured]
    out.append(Prose.of(f"{len(measured)} of its {len(card.measures)} measures are columns of the book"
                        + (f" (not: {', '.join(absent)})" if absent else ""), "  ", "    "))
    notes = [f"as of {args.as_of.isoformat()}" if args.as_of else "",
             f"segments from the column {args.segment_column!r}" if segment is not None else ""]
    if any(notes):
        out.append(line("; ".join(x for x in notes if x), indent=2))
    out.append("")
    out.append(table(label("band"), number("accounts"), number("share"),
                     rows=[[b, count(bands.get(b, 0)), percent(bands.get(b, 0), n)] for b in order]))
    out.append("")

    if args.html:
        out.append(line(book_page(args, card, book, book_path, segment, previous)))
        out.append("")
    result = book.drop(columns=[c for c in SCORED if c in columns])
    result = result.join(scores)
    if result.index.name is not None:  # a parquet book's named index (the account id) is a column
        result = result.reset_index()
    if out_path:
        if out_path.suffix.lower() == ".csv":
            result.to_csv(out_path, index=False)
        else:
            needs("pyarrow", "writing .parquet")
            result.to_parquet(out_path, index=False)
        out.append(f"Wrote {count(n)} rows to {out_path}: the book's columns, then score, band and coverage")
        emit(console(), out)
        return 0

    head = result.head(10)
    keep = [c for c in head.columns if str(c) not in card.measures and c not in SCORED][:3]
    out.append(f"The first {len(head)} of {count(n)} accounts (-o FILE.csv or .parquet writes them all):")
    rows: list[list[RenderableType]] = []
    for _, r in head.iterrows():
        kept: list[RenderableType] = [cell(NONE if missing(r[c]) else str(r[c])) for c in keep]
        rows.append(kept + [NONE if missing(r["score"]) else f"{r['score']:.1f}", str(r["band"]),
                            f"{100 * float(r['coverage']):.1f} %"])
    out.append(table(*[flexible(str(c), limit=30) for c in keep],
                     number("score"), label("band"), number("coverage"), rows=rows))
    emit(console(), out)
    return 0


def account_column(args: argparse.Namespace, book: Any, book_path: Path) -> str:
    """The column naming each account: --account-column, else `account`, else the first."""
    columns = [str(c) for c in book.columns]
    if args.account_column is not None:
        if args.account_column not in columns:
            raise InputProblem(f"{book_path} has no column {cut(args.account_column, 64)!r}; "
                               f"its columns: {names(columns)}")
        return str(args.account_column)
    if "account" in columns:
        return "account"
    if not columns:
        raise InputProblem(f"{book_path} has no columns")
    return columns[0]


def read_previous(args: argparse.Namespace, book: Any, book_path: Path) -> Any:
    """The scores an earlier `score -o` wrote (its `score` and `band`), one row per account of
    the book, by the account column (none where the earlier file has no row)."""
    key = account_column(args, book, book_path)
    prev_path = Path(args.previous)
    prev = read_book(prev_path)
    for needed in (key, "score", "band"):
        if needed not in prev.columns:
            raise InputProblem(f"{prev_path} has no column {needed!r}: give a file written by "
                               f"{PROG} score -o (its columns: {names([str(c) for c in prev.columns])})")
    prev = prev.assign(**{key: prev[key].astype(str)}).drop_duplicates(key, keep="last")
    aligned = prev.set_index(key)[["score", "band"]].reindex(book[key].astype(str))
    return aligned.assign(band=aligned["band"].astype(object).where(aligned["band"].notna(), None))


def book_page(args: argparse.Namespace, card: csops.Scorecard, book: Any, book_path: Path,
              segment: Any, previous: Any) -> str:
    """Writes the book's page (--html), compared with the --previous scores; says what it did."""
    accounts = book[account_column(args, book, book_path)].astype(str)
    try:
        report = card.book_report(book, accounts, as_of=args.as_of, segment=segment, previous=previous)
    except csops.CsopsError as e:
        raise InputProblem(at_account(e, book, book_path)) from None
    return write_page(args.html, report.to_html(book_path.name), "the book's page")


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
