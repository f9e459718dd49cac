"""The report pages (issue 33), written to the section "The report pages" of benches/RESULTS.md:
how long a page takes to make and how large it is, for the wild export (examples/gitlab-wild)
and a synthetic export of 5,000 requests over half a year (target: under 1 s and 2 MB), and the
same two charts drawn by matplotlib into SVG (what an analyst would otherwise do in a notebook)
beside csops's whole page.

Usage: python benches/pages.py [--issues N] [--runs N] [--out RESULTS.md]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import csops
from csops import gitlab

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## The report pages"
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
AS_OF = datetime(2026, 7, 6, 9, 0, tzinfo=timezone.utc)
# (the label that routes a request, its workstream, the workstream's lead)
TEAMS = [("CS Analytics", "Analytics", "lena"), ("Gainsight", "Gainsight", "gia"), ("CS Programs", "Digital", "dan"),
         ("CS RenewalOps", "ROPS", "rosa"), ("CSOps - Scale", "Scale", "sam"),
         ("CS Ops Technical Writing", "TechnicalWriting", "tess"),
         ("CS Product Usage Reporting", "ProductUsageReporting", "pat")]
PEOPLE = ["omar", "kai", "noor", "ivan", "mei", "lars", "ana", "ben"]


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def synthetic(n: int, seed: int = 7) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, list[str]]]:
    """`n` CS Ops requests created over half a year, each with its label events as GitLab writes
    them: most completed (some skipping the review), some won't do, some still open."""
    rng = random.Random(seed)
    issues: list[dict[str, Any]] = []
    events: dict[str, list[dict[str, Any]]] = {}
    span = (AS_OF - START).total_seconds()
    for iid in range(1, n + 1):
        team, _, lead = TEAMS[iid % len(TEAMS)]
        who = rng.choice(PEOPLE)
        created = START + timedelta(seconds=rng.random() * span * 0.97)
        t = created
        evs: list[dict[str, Any]] = []

        def ev(user: str, label: str, action: str) -> None:
            evs.append({"id": iid * 100 + len(evs), "user": {"username": user}, "created_at": stamp(t),
                        "resource_type": "Issue", "label": {"name": label}, "action": action})

        ev("rita", "CSOps", "add")
        ev("rita", team, "add")
        fate = rng.random()
        path = ["CSOps::Triage", "CSOps::Ready_for_Assignment", "CSOps::In_Process"]
        if fate < 0.70:
            path += ["CSOps::Awaiting Feedback", "CSOps::Completed"] if rng.random() < 0.85 else ["CSOps::Completed"]
        elif fate < 0.78:
            path = ["CSOps::Triage", "CSOps::Won't Do"]
        else:
            path = path[: rng.randint(1, 3)]
        labels = ["CSOps", team]
        prev = None
        closed = None
        for label in path:
            t = t + timedelta(hours=rng.expovariate(1 / 30))
            if t >= AS_OF:
                break
            user = lead if label in ("CSOps::Triage", "CSOps::Ready_for_Assignment", "CSOps::Won't Do") else who
            ev(user, label, "add")
            if prev:
                ev(user, prev, "remove")
            prev = label
            if label in ("CSOps::Completed", "CSOps::Won't Do"):
                closed = t
        if prev:
            labels.append(prev)
        issues.append({
            "id": 90_000 + iid, "iid": iid, "title": f"Request {iid}: {team} change",
            "state": "closed" if closed else "opened", "created_at": stamp(created),
            "closed_at": stamp(closed) if closed else None, "labels": labels,
            "assignees": [{"username": who}], "author": {"username": "rita"},
            "weight": rng.choice([1, 3, 5, 7]),
            "web_url": f"https://gitlab.example.com/cs-ops/requests/-/issues/{iid}",
        })
        events[str(iid)] = evs
    directory = {lead: [f"workstream_lead:{ws}"] for _, ws, lead in TEAMS}
    directory.update({p: ["cs_ops"] for p in PEOPLE})
    directory["gia"].append("gainsight_admin")
    return issues, events, directory


def best(f: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def matplotlib_charts(run: gitlab.AuditRun) -> bytes:
    """The cumulative flow diagram and the control chart drawn as a notebook would, with
    matplotlib, into one SVG: what a page's two main charts cost another way."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    flow = run.flow.pivot(index="day", columns="state", values="requests").fillna(0)
    done = run.completions
    fig, (a, b) = plt.subplots(2, 1, figsize=(10, 8))
    a.stackplot(range(len(flow)), *[flow[c].to_numpy() for c in flow.columns], labels=list(flow.columns))
    b.scatter(done["completed_at"], done["cycle_hours"] / 24, s=6)
    for q in (0.5, 0.85, 0.95):
        b.axhline(done["cycle_hours"].quantile(q) / 24, color="grey")
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue()


def measure(name: str, issues: Any, events: Any, directory: Any, as_of: str, runs: int) -> dict[str, Any]:
    wf = csops.Workflow(directory=directory)
    audit_s, run = best(lambda: gitlab.audit(issues, events, as_of=as_of, workflow=wf), runs)
    render_s, page = best(lambda: run.to_html(name), runs)
    # Checked before it counts: the page holds every completion as a dot and the run's numbers.
    control = page[page.index('<figure id="control-chart">'):]
    control = control[: control.index("</figure>")]
    assert control.count("<circle") == len(run.completions)
    assert f'data-json="board.requests">{run.board.to_dict()["requests"]:,}<' in page
    mpl_s, svg = best(lambda: matplotlib_charts(run), runs)
    return {"name": name, "requests": run.board.to_dict()["requests"], "days": run.flow["day"].nunique(),
            "completions": len(run.completions), "violations": len(run.violations),
            "audit_s": audit_s, "render_s": render_s, "bytes": len(page.encode()),
            "mpl_s": mpl_s, "mpl_bytes": len(svg)}


def write(out: Path, rows: list[dict[str, Any]], runs: int) -> None:
    lines = [HEADING, "",
             f"`python benches/pages.py` (release build, best of {runs}; {datetime.now(timezone.utc):%Y-%m-%d}, "
             f"csops {csops.version()}, this machine). The page of an audit run (`AuditRun.to_html`: the board, "
             "the cumulative flow diagram, the control chart, throughput, SLA breaches, every violation "
             "linked, load) made from the run, and its size; beside it, matplotlib drawing only the two "
             "main charts (a stack plot and a scatter with three lines) into SVG, as a notebook would.", "",
             "| export | requests | days | completions | violations | audit | page made | page size | "
             "matplotlib, 2 charts | their SVG |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['requests']:,} | {r['days']} | {r['completions']:,} | {r['violations']:,} | "
                     f"{r['audit_s'] * 1000:.0f} ms | {r['render_s'] * 1000:.0f} ms | {r['bytes'] / 1024:.0f} KB | "
                     f"{r['mpl_s'] * 1000:.0f} ms | {r['mpl_bytes'] / 1024:.0f} KB |")
    big = rows[-1]
    ok = big["render_s"] < 1 and big["bytes"] < 2 * 1024 * 1024
    lines += ["", f"Target at {big['requests']:,} requests: under 1 s and 2 MB — "
              f"{'met' if ok else 'NOT met'} ({big['render_s'] * 1000:.0f} ms, {big['bytes'] / 1024 / 1024:.2f} MB).", ""]
    text = out.read_text() if out.exists() else ""
    section = "\n".join(lines)
    if HEADING in text:
        start = text.index(HEADING)
        nxt = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + ("\n" + text[nxt + 1:] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    out.write_text(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--issues", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benches" / "RESULTS.md")
    args = ap.parse_args(argv)
    wild = ROOT / "examples" / "gitlab-wild"
    rows = [measure("gitlab-wild", json.loads((wild / "issues.json").read_text()),
                    json.loads((wild / "label_events.json").read_text()),
                    json.loads((wild / "directory.json").read_text()), "2026-06-01T09:00:00Z", args.runs)]
    issues, events, directory = synthetic(args.issues)
    rows.append(measure(f"synthetic, {args.issues:,} requests", issues, events, directory, stamp(AS_OF), args.runs))
    for r in rows:
        print(json.dumps(r), file=sys.stderr)
    write(args.out, rows, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
