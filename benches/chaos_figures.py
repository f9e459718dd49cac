"""Writes the section "The webhook service under faults" of benches/RESULTS.md from what
scripts/chaos measured: the slow fault tests' figures (JSON lines) and two webhook-load runs, one
with 5,000 idle connections held open. Usage: chaos_figures.py FIGURES LOAD IDLE RESULTS.md"""

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

HEADING = "## The webhook service under faults"


def section(figures: dict, load: dict, idle: dict) -> list[str]:
    rows = [
        ["load: requests/s, p99 (64 connections, 50,000 deliveries)",
         f"{load['per_second']:,.0f}/s, p99 {load['p99_ms']:.1f} ms"],
        ["the same load while 5,000 idle connections are held open (each opened again when closed)",
         f"{idle['per_second']:,.0f}/s, p99 {idle['p99_ms']:.1f} ms ({idle['idle_reopened']:,} reopened); "
         f"every refused move undone once: {'yes' if idle['each_refused_move_undone_once'] else 'NO'}"],
    ]
    if f := figures.get("strangers_8mb"):
        rows.append(["RSS under 200 unauthenticated connections each sending an 8 MB body (start → peak)",
                     f"{f['rss_kb_start'] / 1024:.0f} → {f['rss_kb_peak'] / 1024:.0f} MiB "
                     f"({f['answered_401']} read their 401; the clients sent {f['body_mb_sent']} MB the service never read)"])
    if f := figures.get("idle_20k"):
        rows.append([f"{f['connections']:,} idle connections (cap 4,096): a real delivery answered in",
                     f"{f['delivery_ms']:.1f} ms; {f['closed_by_the_cap']:,} idle ones closed to make room; "
                     f"RSS {f['rss_kb_start'] / 1024:.0f} → {f['rss_kb_peak'] / 1024:.0f} MiB"])
    if f := figures.get("kill_9"):
        rows.append(["kill -9 after 2,000 of 5,000 refused moves answered; restarted; GitLab redelivers the rest",
                     f"{f['updates_per_refused_move']} PUT + {f['notes_per_refused_move']} note per refused move; "
                     f"lost: {f['lost']}"])
    if f := figures.get("full_disk"):
        rows.append(["disk full (4 MiB tmpfs) after GitLab failed 10 undos, GitLab back: calls in 5 s / log lines",
                     f"{f['calls_while_full']} / {f['log_lines']}; a delivery meanwhile: {f['delivery_while_full']}; "
                     f"after room is made, {f['notes_per_refused_move']} note per refused move"])
    else:
        rows.append(["disk full", "not measured here (a tmpfs mount needs root)"])
    if f := figures.get("sigterm"):
        rows.append(["SIGTERM with a client holding half its headers and one half its body (deadline 2 s)",
                     f"exit {f['exit_code']} after {f['exited_ms']:,.0f} ms; the undo waiting for GitLab kept"])
    if f := figures.get("outage"):
        rows.append([f"GitLab down for 30 minutes (a clock compressed {f['compressed']}x: {f['outage_s']} s), "
                     f"{f['undos']} refused moves", f"undos lost: {f['lost']}; all delivered {f['drained_s']:.1f} s "
                     "after GitLab was back"])
    rows.append(["calls GitLab acted on per refused move (asserted in the load runs, kill -9 and the outage; "
                 "the full disk: notes)", "exactly 1 PUT + 1 note; after the crash, none sent again for what "
                 "GitLab already had"])
    return ["", HEADING, "",
            f"Written by `scripts/chaos` on {datetime.now(timezone.utc):%Y-%m-%d} (also run by `scripts/bench`): "
            "the slow fault tests of examples/webhook-service/tests/chaos.rs against the release binary, each "
            "asserting what it measures, and `webhook-load` with and without `--idle 5000`. The service is a "
            "second process; GitLab a stand-in in the test's process; all on this machine's two cores.", "",
            "| fault | figure |", "|---|---|"] + ["| " + " | ".join(r) + " |" for r in rows]


def main(argv: list[str]) -> int:
    figures_path, load_path, idle_path, out_path = argv
    figures = {}
    for line in Path(figures_path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            f = json.loads(line)
            figures[f["name"]] = f["value"]
    load = json.loads(Path(load_path).read_text(encoding="utf-8"))
    idle = json.loads(Path(idle_path).read_text(encoding="utf-8"))
    out = Path(out_path)
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    before, sep, after = text.partition("\n" + HEADING + "\n")
    rest = ""
    if sep and (nxt := after.find("\n## ")) >= 0:
        rest = after[nxt:]
    lines = section(figures, load, idle)
    out.write_text(before.rstrip("\n") + "\n" + "\n".join(lines) + "\n" + rest, encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
