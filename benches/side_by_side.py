"""csops beside what a team would otherwise write, in one run on one machine (issue #6):

- the workflow: one command stream through csops from Python and through the same machine
  written with the `transitions` package (benches/transitions_machine.py);
- health scoring: `Scorecard.score_batch` beside a straightforward pandas implementation of the
  same default scorecard (benches/health_python.py), both given the same DataFrame and returning
  one, and the memory-bound floor (numpy's `sum` over the same columns: one read, no copy), at
  10 k, 100 k and 1 M accounts, with the time per account at each size (scaling);
- metrics over 1 M survey answers and accounts beside numpy;
- scale (benches/scale.py): 1 M accounts scored from pandas, polars and pyarrow beside numpy
  input, SMAU over 10 M usage events beside pandas and DuckDB, and the Spark scoring job in
  `local[2]` beside `mapInPandas` with the pandas scorecard;
- the Rust figures on one core (`cargo bench -p csops-benches --bench figures`): label parsing,
  command application, replay, reconstruction, the board, scoring, metrics, and the memory
  figures (allocations per command and per scored account, bytes per request, peak RSS).

Each pair is checked to agree first (every command accepted or rejected alike, ending in the same
state; scores within 1e-9 and the same bands; metrics equal to 1e-9); then each is timed, the
median of `--runs` runs, and the ratios are written to benches/RESULTS.md with the machine and
the command. Run it with `scripts/bench` (a release build of csops in .venv, and `transitions`).

    .venv/bin/python benches/side_by_side.py [--runs 5] [--quick] [--no-rust] [--out benches/RESULTS.md]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

import csops

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import transitions_machine as tm  # noqa: E402


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


health = _load("health_python")
scale = _load("scale")

DIRECTORY = {"lena": ["workstream_lead:Gainsight"], "ana": ["workstream_lead:Analytics"],
             "omar": ["cs_ops"], "pat": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}
T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
CHECKLIST = {"handbook_updated": "not_applicable", "gainsight_changelog": True, "stakeholders_communicated": True,
             "lead_informed": {"summary": "done", "next_steps": "none"}}


def stream(n_requests: int) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any], str, datetime]]]:
    """Requests, and a command stream over them: each request's life from New to Completed with
    the usual mistakes on the way (a non-lead triaging, a self-review, an incomplete checklist,
    a block without a reason), interleaved across requests as a board's day is."""
    requests, lives = [], []
    for i in range(n_requests):
        gainsight = i % 2 == 0
        lead, who = ("lena", "omar") if gainsight else ("ana", "pat")
        requests.append({"id": i + 1, "title": f"r{i}", "author": "rita",
                         "labels": ["CSOps", "Gainsight" if gainsight else "CS Analytics"],
                         "change_kind": "gainsight_rule" if gainsight else "dashboard",
                         "created_at": "2026-01-05T09:00:00Z"})
        life = [
            ({"type": "triage"}, who),                                        # rejected: not the lead
            ({"type": "triage"}, lead),
            ({"type": "ready", "weight": 3}, lead),
            ({"type": "start"}, who),
            ({"type": "block"}, who),                                         # rejected: no reason
            ({"type": "block", "reason": "waiting on data"}, who),
            ({"type": "unblock"}, who),
            ({"type": "request_review", "reviewer": who, "summary": "s"}, who),  # rejected: self-review
            ({"type": "request_review", "reviewer": "gia", "summary": "s"}, who),
            ({"type": "complete", "checklist": {"handbook_updated": True}}, who),  # rejected: checklist
            ({"type": "approve_review"}, "gia"),
            ({"type": "complete", "checklist": CHECKLIST}, who),
        ]
        lives.append(life)
    out = []
    for step in range(len(lives[0])):
        for i, life in enumerate(lives):
            cmd, actor = life[step]
            out.append((i, cmd, actor, T0 + timedelta(minutes=step)))
    return requests, out


def median_ms(f: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


Side = tuple[Callable[[int, dict[str, Any], str, datetime], bool], Callable[[int], str]]


def csops_side(requests: list[dict[str, Any]]) -> Side:
    """Fresh requests through csops: apply a command (accepted?), and a request's state."""
    wf = csops.Workflow(DIRECTORY)
    reqs = [csops.Request.from_dict(r) for r in requests]

    def apply(i: int, cmd: dict[str, Any], actor: str, at: datetime) -> bool:
        try:
            wf.apply(reqs[i], cmd, actor=actor, at=at)
            return True
        except csops.TransitionRejected:
            return False

    return apply, lambda i: reqs[i].state


def transitions_side(requests: list[dict[str, Any]]) -> Side:
    """The same through the transitions machine."""
    wf = tm.Workflow(DIRECTORY)
    reqs = [wf.add(r) for r in requests]
    return (lambda i, cmd, actor, at: wf.apply(reqs[i], cmd, actor, at)), (lambda i: reqs[i].state)


def outcomes(side: Side, cmds: list[Any]) -> list[tuple[bool, str]]:
    apply, state = side
    return [(apply(i, cmd, actor, at), state(i)) for i, cmd, actor, at in cmds]


def run_csops(requests: list[dict[str, Any]], cmds: list[Any]) -> list[tuple[bool, str]]:
    return outcomes(csops_side(requests), cmds)


def run_transitions(requests: list[dict[str, Any]], cmds: list[Any]) -> list[tuple[bool, str]]:
    return outcomes(transitions_side(requests), cmds)


def workflow_rows(n_requests: int, runs: int) -> list[list[str]]:
    requests, cmds = stream(n_requests)
    ours, theirs = run_csops(requests, cmds), run_transitions(requests, cmds)
    if ours != theirs:
        bad = next(k for k, (a, b) in enumerate(zip(ours, theirs)) if a != b)
        raise SystemExit(f"workflow: csops and transitions disagree at command {bad}: {cmds[bad]} -> {ours[bad]} vs {theirs[bad]}")
    accepted = sum(ok for ok, _ in ours)

    def timed(make: Callable[[list[dict[str, Any]]], Side]) -> float:
        apply, _ = make(requests)  # fresh requests, made before the clock starts
        t0 = time.perf_counter()
        for i, cmd, actor, at in cmds:
            apply(i, cmd, actor, at)
        return time.perf_counter() - t0

    # The same stream in one call: `apply_many` answers each step with its Transition or its
    # Rejection as a value. Its answers must agree with the loop's before it is timed.
    wf = csops.Workflow(DIRECTORY)

    def fresh() -> list[csops.Request]:
        return [csops.Request.from_dict(r) for r in requests]

    bulk = fresh()
    answers = wf.apply_many(bulk, cmds)
    final = {step[0]: state for step, (_, state) in zip(cmds, ours)}
    if [isinstance(a, csops.Transition) for a in answers] != [ok for ok, _ in ours] or \
            any(bulk[i].state != state for i, state in final.items()):
        raise SystemExit("workflow: apply_many disagrees with apply")

    def timed_many() -> float:
        reqs = fresh()
        t0 = time.perf_counter()
        wf.apply_many(reqs, cmds)
        return time.perf_counter() - t0

    timings: dict[str, list[float]] = {"csops": [], "transitions": [], "many": []}
    for _ in range(runs):
        timings["csops"].append(timed(csops_side))
        timings["transitions"].append(timed(transitions_side))
        timings["many"].append(timed_many())
    ours_ns = statistics.median(timings["csops"]) / len(cmds) * 1e9
    theirs_ns = statistics.median(timings["transitions"]) / len(cmds) * 1e9
    many_ns = statistics.median(timings["many"]) / len(cmds) * 1e9
    what = f"workflow: {len(cmds):,} commands over {n_requests:,} requests ({accepted:,} accepted)"
    return [[what, f"{ours_ns:,.0f} ns/command (apply, one call each)", f"{theirs_ns:,.0f} ns/command (transitions)",
             f"{theirs_ns / ours_ns:.1f}x", "≥ 20x", met(theirs_ns / ours_ns >= 20)],
            [what, f"{many_ns:,.0f} ns/command (apply_many, one call)", f"{theirs_ns:,.0f} ns/command (transitions)",
             f"{theirs_ns / many_ns:.1f}x", "≥ 20x", met(theirs_ns / many_ns >= 20)]]


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def health_rows(sizes: list[int], runs: int) -> list[list[str]]:
    """score_batch beside pandas and the floor. The floor reads every input column once and
    does nothing else (numpy's `sum`, no copy: `nansum` would copy each column and inflate the
    floor); csops on one thread is held to it. Beside pandas csops runs as a user calls it, on
    every core (the default), and on one thread."""
    card = csops.Scorecard.default()
    spec = card.to_dict()
    rows = []
    per_account: dict[int, float] = {}
    cores = os.cpu_count() or 1
    for n in sizes:
        # Both sides get the same DataFrame and return one (csops: score, band, coverage).
        df = pd.DataFrame(health.book(card, n))
        ours = card.score_batch(df, threads=1)
        theirs = health.pandas_scores(spec, df)
        a, b = ours["score"].to_numpy(dtype=float), theirs["score"].to_numpy(dtype=float)
        diff = float(np.nanmax(np.abs(a - b)))
        same = (np.array_equal(np.isnan(a), np.isnan(b))
                and np.array_equal(ours["band"].astype(object).to_numpy(), theirs["band"].astype(object).to_numpy()))
        if not (diff < 1e-9 and same):
            raise SystemExit(f"health at {n}: pandas and csops disagree (max |diff| {diff})")
        columns = [df[c].to_numpy() for c in df.columns]
        floor = median_ms(lambda: [c.sum() for c in columns], runs)
        one = median_ms(lambda: card.score_batch(df, threads=1), runs)
        default = median_ms(lambda: card.score_batch(df), runs)
        pand = median_ms(lambda: health.pandas_scores(spec, df), max(3, runs // 2))
        label = f"health: score_batch, {n:,} accounts × {len(columns)} measures (DataFrame in and out)"
        rows.append([f"{label}, beside pandas", f"{default:,.1f} ms (default: {cores} threads); {one:,.1f} ms (1 thread)",
                     f"{pand:,.1f} ms (pandas)", f"{pand / default:.1f}x; {pand / one:.1f}x on 1 thread",
                     "≥ 10x at 1 M", met(pand / default >= 10) if n == 1_000_000 else "—"])
        rows.append([f"{label}, beside the floor", f"{one:,.1f} ms (1 thread)", f"{floor:,.2f} ms (read the columns)",
                     f"{one / floor:.2f}x the floor", "≤ 2x", met(one / floor <= 2)])
        per_account[n] = one / n * 1e6
    if len(per_account) > 1:
        small, large = min(per_account), max(per_account)
        step = per_account[large] / per_account[small]
        rows.append([f"health: scaling, {small:,} → {large:,} accounts (1 thread)",
                     " → ".join(f"{per_account[k]:,.0f} ns" for k in sorted(per_account)) + " per account",
                     "—", f"{step:.2f}x the time per account", "linear (≤ 1.5x per account)", met(step <= 1.5)])
    return rows


def metrics_rows(n: int, runs: int) -> list[list[str]]:
    rng = np.random.default_rng(7)
    answers = rng.integers(0, 11, n)
    csat_answers = rng.integers(1, 6, n)
    start = np.floor(rng.random(n) * 100_000)
    now = np.where(rng.random(n) < 0.1, 0.0, np.floor(start * (0.7 + rng.random(n) * 0.6)))
    answers_list = answers.tolist()

    def np_nps() -> float:
        return float(((answers >= 9).mean() - (answers <= 6).mean()) * 100)

    def np_csat() -> float:
        return float((csat_answers >= 4).mean() * 100)

    def np_nrr() -> float:
        keep = start > 0
        return float(now[keep].sum() / start[keep].sum() * 100)

    def np_grr() -> float:
        keep = start > 0
        return float(np.minimum(now[keep], start[keep]).sum() / start[keep].sum() * 100)

    pairs = [
        ("NPS (numpy array)", lambda: csops.metrics.nps(answers), np_nps),
        ("NPS (list)", lambda: csops.metrics.nps(answers_list), np_nps),
        ("CSAT (numpy array)", lambda: csops.metrics.csat(csat_answers), np_csat),
        ("NRR per account", lambda: csops.metrics.nrr(start=start, now=now), np_nrr),
        ("GRR per account", lambda: csops.metrics.grr(start=start, now=now), np_grr),
    ]
    rows = []
    for name, ours, theirs in pairs:
        a, b = ours(), theirs()
        if abs(a - b) > 1e-9 * max(1.0, abs(b)):
            raise SystemExit(f"metrics {name}: csops {a} vs numpy {b}")
        t_ours, t_np = median_ms(ours, runs), median_ms(theirs, runs)
        rows.append([f"metrics: {name}, {n:,} answers / accounts", f"{t_ours:,.2f} ms", f"{t_np:,.2f} ms (numpy)",
                     f"{t_np / t_ours:.2f}x", "—", "—"])
    return rows


def rust_rows() -> list[list[str]]:
    """The Rust figures on one core, from `cargo bench -p csops-benches --bench figures`."""
    run = subprocess.run(["cargo", "bench", "--quiet", "-p", "csops-benches", "--bench", "figures", "--", "--json"],
                         cwd=HERE.parent, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"cargo bench --bench figures failed:\n{run.stderr[-2000:]}")
    f = json.loads(run.stdout.strip().splitlines()[-1])
    return [
        ["label parsing (9 mixed spellings)", f"{f['labels_per_s'] / 1e6:.1f} M labels/s", "≥ 20 M/s",
         met(f["labels_per_s"] >= 20e6)],
        ["command application (the workflow stream above, 1 in 3 rejected)",
         f"{f['commands_per_s'] / 1e6:.2f} M commands/s", "≥ 5 M/s", met(f["commands_per_s"] >= 5e6)],
        ["history replay", f"{f['replay_steps_per_s'] / 1e6:.2f} M steps/s", "—", "—"],
        ["label-event reconstruction (GitLab events read)", f"{f['reconstruct_events_per_s'] / 1e6:.2f} M events/s",
         "—", "—"],
        ["board report over 20,000 requests", f"{f['board_report_ms']:.1f} ms", "—", "—"],
        ["single score with its explanation", f"{f['single_score_us']:.2f} µs", "—", "—"],
        ["batch scoring, 1,000,000 accounts, 1 thread",
         f"{f['batch_ms']:.1f} ms = {f['batch_floor_ratio']:.2f}x the floor ({f['floor_ms']:.1f} ms)", "≤ 2x the floor",
         met(f["batch_floor_ratio"] <= 2)],
        ["metrics: NPS / NRR per account over 1,000,000", f"{f['nps_ms']:.2f} ms / {f['nrr_per_account_ms']:.2f} ms",
         "—", "—"],
        ["memory: allocations per command (accepted and rejected)", f"{f['allocations_per_command']:.2f}", "—", "—"],
        ["memory: allocations per accepted / rejected command",
         f"{f['allocations_per_accepted_command']:.3f} / {f['allocations_per_rejected_command']:.2f}",
         "0 per accepted", met(f["allocations_per_accepted_command"] == 0)],
        ["memory: bytes per request (completed, 8 steps of history)", f"{f['bytes_per_request']:,.0f} B", "—", "—"],
        ["memory: allocations per scored account (batch / single with explanation)",
         f"{f['allocations_per_scored_account']:.6f} / {f['allocations_per_single_score']:.0f}", "—", "—"],
        ["memory: peak heap / peak RSS of the whole run", f"{f['heap_peak_mib']:.0f} MiB / {f['peak_rss_mib']:.0f} MiB",
         "—", "—"],
    ]


WEBHOOK_HEADING = "## The webhook service under load"


def webhook_lines(events: int) -> list[str]:
    """The GitLab webhook service (examples/webhook-service) driven by `webhook-load` from a
    second process on loopback, beside the decision's own time."""
    build = subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "csops-webhook-service"],
                           cwd=HERE.parent, capture_output=True, text=True, check=False)
    if build.returncode != 0:
        raise SystemExit(f"cargo build -p csops-webhook-service failed:\n{build.stderr[-2000:]}")
    run = subprocess.run([str(HERE.parent / "target" / "release" / "webhook-load"), "--json", "--events", str(events),
                          "--concurrency", "64", "--gitlab-ms", "20"],
                         cwd=HERE.parent, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"webhook-load failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    f = json.loads(run.stdout.strip().splitlines()[-1])
    head = ["figure", "value"]
    rows = [
        ["deliveries (Issue Hooks: triages, refused moves, edits, unmanaged issues, 1 in 50 a repeat)",
         f"{f['deliveries']:,} in {f['seconds']:.1f} s"],
        ["requests/s (64 connections)", f"{f['per_second']:,.0f}"],
        ["latency p50 / p99 / p99.9 / max", f"{f['p50_ms']:.2f} / {f['p99_ms']:.2f} / {f['p999_ms']:.2f} / "
                                             f"{f['max_ms']:.2f} ms"],
        ["the decision alone (payload read, stored request loaded, decided, written back; one thread)",
         f"{f['decision_alone_us']:.1f} µs"],
        ["refused moves → GitLab updates / notes (stand-in answering in 20 ms)",
         f"{f['refused']:,} → {f['gitlab_puts']:,} / {f['gitlab_notes']:,} (outbox drained in "
         f"{f['drain_seconds']:.1f} s after the last delivery)"],
        ["repeats answered as duplicates / errors", f"{f['duplicates']:,} / {f['errors']:,}"],
        ["service memory (RSS) at start / end / peak",
         f"{f['rss_kb_start'] / 1024:.0f} / {f['rss_kb_end'] / 1024:.0f} / {f['rss_kb_peak'] / 1024:.0f} MiB"],
        ["every refused move undone exactly once (per issue, against the schedule)", "yes" if f["each_refused_move_undone_once"] else "NO"],
    ]
    return ["", WEBHOOK_HEADING, "",
            f"`target/release/webhook-load --events {events} --concurrency 64 --gitlab-ms 20` (written by "
            "`scripts/bench`, or `python benches/side_by_side.py --webhook-only` for this section alone): the "
            "service is a second process with its SQLite store, GitLab a stand-in in the load generator's "
            "process; both share this machine's cores.", "",
            "| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import transitions
    return (f"{cpu}, {os.cpu_count()} logical cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; csops {csops.__version__}; numpy {np.__version__}; "
            f"pandas {pd.__version__}; transitions {transitions.__version__}")


# The figures of csops 0.1.0 (a worktree of 7f2ec7a, the commit before issue 17): the Rust
# benches run on 2026-12-02 in one session beside 0.2.0's (this VM's speed varies by 1.5x from
# day to day, so only figures from one session compare), the Python ratios from the report
# this one replaced. Kept beside each new run so that the report shows before and after.
BEFORE_HEAD = ["job (csops 0.1.0)", "0.1.0", "0.2.0 in the same session"]
BEFORE = [
    ["Rust command application (figures bench)", "1.92 M commands/s", "3.71 M commands/s"],
    ["memory: allocations per command", "7.4 (accepted and rejected alike)", "0.375 (0 per accepted)"],
    ["memory: bytes per request (completed, 8 steps of history)", "1,302 B", "1,112 B"],
    ["Rust history replay", "2.42 M steps/s", "4.21 M steps/s"],
    ["Rust batch scoring, 1,000,000 accounts, 1 thread (health bench, two runs)",
     "39.8–40.1 ms = 15.4–15.6x the floor", "16.8–18.4 ms = 4.8–6.9x the floor"],
    ["Rust batch scoring, 1,000,000 accounts, 2 threads", "21.7–23.6 ms", "12.2–13.3 ms"],
    ["GitLab: 100,000 issues × 20 label events read, reconstructed, board report (one core)",
     "1.62 M label events/s", "1.49 M label events/s; 1.79 M/s with reconstruct_all_json on two"],
    ["Python: workflow, apply one call each (the report this one replaced)", "10.1x transitions", "see above"],
    ["Python: score_batch, 1,000,000 accounts, 1 thread (the report this one replaced)", "9.62x the floor",
     "see above"],
]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small sizes: checks agreement, times nothing worth reading")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument("--no-rust", action="store_true", help="leave out the Rust figures (cargo bench --bench figures)")
    ap.add_argument("--webhook-events", type=int, default=1_000_000,
                    help="deliveries in the webhook service's load run (0: leave it out)")
    ap.add_argument("--webhook-only", action="store_true",
                    help="rewrite only the webhook section of --out, keeping the rest of the file")
    args = ap.parse_args(argv)
    if args.webhook_only:
        out = Path(args.out)
        text = out.read_text(encoding="utf-8") if out.exists() else ""
        before, sep, after = text.partition("\n" + WEBHOOK_HEADING + "\n")
        rest = ""
        if sep and (nxt := after.find("\n## ")) >= 0:
            rest = after[nxt:]
        section = webhook_lines(args.webhook_events)
        out.write_text(before.rstrip("\n") + "\n" + "\n".join(section) + "\n" + rest, encoding="utf-8")
        print("\n".join(section))
        return 0
    sizes = [1_000, 5_000] if args.quick else [10_000, 100_000, 1_000_000]
    rows = (workflow_rows(50 if args.quick else 2_000, args.runs)
            + health_rows(sizes, args.runs)
            + metrics_rows(10_000 if args.quick else 1_000_000, args.runs)
            + scale.rows(args.quick, args.runs))
    command = "scripts/bench" if not args.quick else "python benches/side_by_side.py --quick"
    head = ["job", "csops", "the alternative", "ratio", "target", "met"]
    lines = [
        "# csops side by side",
        "",
        f"Written by `{command}` (benches/side_by_side.py, median of {args.runs} runs) on "
        f"{datetime.now(timezone.utc):%Y-%m-%d}.",
        "",
        f"Machine: {machine()}.",
        "",
        "Every pair was checked to agree before it was timed: the workflow's commands accepted or "
        "rejected alike and ending in the same states, scores within 1e-9 with the same bands, metrics "
        "equal. Ratios are the alternative's time over csops's (higher is better for csops), except "
        "\"x the floor\", csops's time over the floor's.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    if not (args.quick or args.no_rust):
        rust_head = ["Rust, one core", "figure", "target", "met"]
        lines += ["", "## Rust", "",
                  "`cargo bench -p csops-benches --bench figures` (best of several rounds; allocations counted "
                  "by a counting allocator, exact):", "",
                  "| " + " | ".join(rust_head) + " |", "|" + "---|" * len(rust_head)]
        lines += ["| " + " | ".join(r) + " |" for r in rust_rows()]
    if not args.quick and args.webhook_events > 0:
        lines += webhook_lines(args.webhook_events)
    if not args.quick:
        lines += ["", "## Before: csops 0.1.0", "",
                  "Before issue 17, beside 0.2.0 measured in the same session (see BEFORE in "
                  "benches/side_by_side.py for how):", "",
                  "| " + " | ".join(BEFORE_HEAD) + " |", "|" + "---|" * len(BEFORE_HEAD)]
        lines += ["| " + " | ".join(r) + " |" for r in BEFORE]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
