"""The main job reads as a lead reads it (issue 14): it ends with its summary, names states and
workstreams by their titles and durations in days; the diagram is asked for."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def quickstart(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["cargo", "run", "--quiet", "--locked", "--example", "quickstart", "--", *args],
                          cwd=ROOT, capture_output=True, text=True)


def test_the_quickstart_ends_with_its_summary_in_one_vocabulary() -> None:
    run = quickstart()
    assert run.returncode == 0, run.stderr
    out = run.stdout
    sections = re.findall(r"^== (.*?) ==$", out, flags=re.M)
    assert sections[-1].startswith("Summary as of 2026-03-16 09:00 UTC"), sections
    summary = out.split("== Summary")[-1].splitlines()
    assert summary[1].startswith("22 requests on the board: 21 loaded (16 open), 1 not loaded"), summary
    assert any(line.startswith("lead time median 1.1 days") for line in summary), summary
    # Data names appear only inside labels as GitLab spells them, never as the display text.
    shown = "\n".join(line for line in out.splitlines() if "labels:" not in line and "CSOps::" not in line)
    for name in ("InProcess", "ReadyForAssignment", "AwaitingFeedback", "WontDo", "ROPS", " h,", " d,"):
        assert name not in shown, name
    assert "In Process" in shown and "Renewal Ops" in shown and "overdue by 5.7 days" in shown
    assert "stateDiagram-v2" not in out


def test_the_diagram_is_asked_for_and_a_typo_is_an_error() -> None:
    run = quickstart("--diagram")
    assert run.returncode == 0 and "stateDiagram-v2" in run.stdout, run.stderr
    assert run.stdout.rstrip().splitlines()[-1].startswith("lead time median")
    bad = quickstart("--diagrm")
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr == "quickstart: unknown argument \"--diagrm\": the options are --json and --diagram\n"
