"""`python -m csops`, run as a user runs it (a subprocess): the audit of the two sample exports,
scoring a book, the diagram, and the errors a user makes."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import csops
from csops import gitlab

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "examples" / "gitlab-export"
WILD = ROOT / "examples" / "gitlab-wild"
BOOK = ROOT / "examples" / "accounts" / "book.csv"
AS_OF = "2026-03-16T09:00:00Z"
WILD_AS_OF = "2026-06-01T09:00:00Z"
# The same csops this test imports, whether installed or on PYTHONPATH.
PACKAGE_DIR = str(Path(csops.__file__).resolve().parents[1])


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [PACKAGE_DIR, os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "csops", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def ok(*args: str | Path, cwd: Path = ROOT) -> str:
    p = run(*args, cwd=cwd)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    return p.stdout


def refused(*args: str | Path, cwd: Path = ROOT) -> str:
    """A usage or input error: status 2, a message on stderr, no traceback, nothing on stdout."""
    p = run(*args, cwd=cwd)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and p.stdout == ""
    return p.stderr


def columns(line: str) -> int:
    """Terminal columns, counted independently of the CLI's own measure."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def section(out: str, start: str) -> list[str]:
    """The lines of a report section: from the line starting with `start` to the blank line."""
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(start))
    end = next((j for j in range(i + 1, len(lines)) if not lines[j].strip()), len(lines))
    return lines[i:end]


def summary(out: str) -> dict[str, str]:
    return {m[1]: m[2] for line in section(out, "Summary")[1:]
            if (m := re.match(r"\s+(\S.*?)\s{2,}([\d,]+)(\s|$)", line))}


def planted(folder: Path) -> list[dict[str, Any]]:
    p: list[dict[str, Any]] = json.loads((folder / "planted.json").read_text())["violations"]
    return [v for v in p if v.get("audit", True)]


def check_readable(out: str) -> None:
    assert all(columns(line) <= 100 for line in out.splitlines()), max(out.splitlines(), key=columns)
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b", out)


def check_violations_table(out: str, folder: Path) -> None:
    rows = section(out, "Violations")[2:]
    for v in planted(folder):
        actor = v["actor"] or "—"
        assert any(r.split()[0] == str(v["iid"]) and r.split()[-3:-1] == [v["rule"], actor] for r in rows), v
    assert all(re.search(r"  \d{4}-\d\d-\d\d$", r) for r in rows)


def test_audit_of_the_export_puts_the_summary_first_then_the_violations_then_the_board() -> None:
    out = ok("audit", EXPORT, "--as-of", AS_OF)
    lines = out.splitlines()
    assert lines[0] == f"Audit of {EXPORT} as of 2026-03-16 09:00 UTC"
    starts = [next(i for i, line in enumerate(lines) if line.startswith(s))
              for s in ("Summary", "Violations", "Board as of", "SLA breaches", "Anomalies")]
    assert starts == sorted(starts) and starts[0] == 2
    s = summary(out)
    assert (s["issues in the export"], s["CS Ops requests"], s["not CS Ops (unmanaged)"]) == ("33", "33", "0")
    assert (s["label events audited"], s["issues that broke the process"]) == ("268", "8")
    # The board counts requests with a state; the issue with two workflow labels is said.
    assert "Board as of 2026-03-16 09:00 UTC: 32 requests, 16 open + 1 with two workflow labels (Anomalies)" \
        in lines
    assert (s["violations"], s["no_weight"], s["skipped_peer_review"], s["SLA breaches"]) == ("9", "2", "1", "4")
    check_violations_table(out, EXPORT)
    check_readable(out)
    # Display titles, durations in days (133 waited 1,094 hours past its review due date).
    assert re.search(r"^  In Process\s+8\s+Gainsight 2, Product Usage Reporting 2", out, re.M)
    assert "Renewal Ops" in out and "ROPS" not in out
    breach = next(line for line in section(out, "SLA breaches") if line.split()[0] == "133")
    assert "Awaiting Feedback" in breach and breach.endswith("45.6 days") and "1094" not in out
    assert "lead time   median 3.9 days, p90 5.4 days" in out


def test_why_gives_each_violation_its_reason_in_words() -> None:
    plain = ok("audit", EXPORT, "--as-of", AS_OF)
    assert "Violations (9; why each one: --why)" in plain and "\nWhy\n" not in plain
    out = ok("audit", EXPORT, "--as-of", AS_OF, "--why")
    why = section(out, "Why")
    assert any(line.startswith("  131 no_assignee: Ready for Assignment -> In Process with no assignee: In Process "
                               "needs one") for line in why)
    assert sum(1 for line in why if re.match(r"  \d+ \w+: ", line)) == 9
    # A move the table does not have names what was open to its actor instead (SPEC §2).
    text = " ".join(" ".join(why).split())
    assert "134 invalid_transition: Triage -> In Process" in text
    assert "open to them instead: request_info (to Need More Info), decline (to Won't Do)" in text
    # Every rule a move broke says so; what is no move (a closing, two labels) does not.
    moves = sum(1 for line in why if re.match(r"  \d+ (invalid_transition|not_permitted|no_assignee|no_weight|"
                                               r"skipped_peer_review|unknown_person): ", line))
    assert moves >= 2
    assert text.count("open to them instead") + text.count("was open to them") == moves
    check_readable(out)


def test_audit_of_the_wild_export_reads_one_label_events_file() -> None:
    out = ok("audit", WILD, "--as-of", WILD_AS_OF)
    s = summary(out)
    assert (s["issues in the export"], s["CS Ops requests"], s["not CS Ops (unmanaged)"]) == ("293", "162", "131")
    assert s["label events audited"] == "1,667" and "of 2,210 in the export" in out
    check_violations_table(out, WILD)
    check_readable(out)
    row = next(line for line in section(out, "Violations") if line.startswith("  1282 "))
    assert "invalid_weight" in row and "  —  " in row  # no actor: a dash


def test_json_is_the_runs_own() -> None:
    data = json.loads(ok("audit", EXPORT, "--as-of", AS_OF, "--json"))
    wf = csops.Workflow(directory=json.loads((EXPORT / "directory.json").read_text()))
    events = {p.stem: json.loads(p.read_text()) for p in (EXPORT / "label_events").glob("*.json")}
    run_ = gitlab.audit(json.loads((EXPORT / "issues.json").read_text()), events, as_of=AS_OF, workflow=wf)
    assert data == json.loads(run_.to_json())
    assert data["board"]["sla_breaches"][0]["overdue_hours"] == 1094.0  # the data keeps hours


def test_as_of_defaults_to_now_in_utc_and_takes_a_date() -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    as_of = json.loads(ok("audit", EXPORT, "--json"))["audit"]["as_of"]
    after = datetime.now(timezone.utc)
    assert before <= datetime.fromisoformat(as_of.replace("Z", "+00:00")) <= after
    assert json.loads(ok("audit", EXPORT, "--json", "--as-of", "2026-03-16"))["audit"]["as_of"] == "2026-03-16T00:00:00Z"
    assert "as of 2026-03-16 08:00 UTC" in ok("audit", EXPORT, "--as-of", "2026-03-16T09:00:00+01:00")
    assert "as of 2026-03-16 09:00 UTC" in ok("audit", EXPORT, "--as-of", "2026-03-16 09:00")  # no zone: UTC
    # Other ISO forms Python would read are no time a lead means: the library's message, as the
    # option's usage error.
    for other in ("20260316", "2026-W12", "2026-075"):
        p = run("audit", EXPORT, "--as-of", other)
        assert p.returncode == 2 and f'argument --as-of: "{other}" is not a time like ' in p.stderr, p.stderr


def test_progress_goes_to_stderr_when_asked_for_only() -> None:
    p = run("audit", WILD, "--as-of", WILD_AS_OF, "--progress")
    assert p.returncode == 0 and "100%" in p.stderr and "auditing 293 issues" in p.stderr
    assert p.stdout == ok("audit", WILD, "--as-of", WILD_AS_OF)
    assert run("audit", WILD, "--as-of", WILD_AS_OF).stderr == ""  # stderr is no terminal here


def test_audit_errors_name_the_input() -> None:
    assert refused("audit", ROOT / "no-such-export") == f"csops: {ROOT / 'no-such-export'}: no such folder\n"
    err = refused("audit", EXPORT, "--as-of", "yesterday")
    assert 'argument --as-of: "yesterday" is not a time' in err
    err = refused("audit", EXPORT, "--as-ov", AS_OF)
    assert "unrecognized arguments: --as-ov" in err
    assert "invalid choice: 'audits'" in refused("audits", EXPORT)


def test_audit_errors_in_the_folder(tmp_path: Path) -> None:
    (tmp_path / "issues.json").write_text((EXPORT / "issues.json").read_text())
    (tmp_path / "directory.json").write_text('{"lena": ["workstream_lead:Gainsight"]}')
    assert "no label events: expected label_events/<iid>.json files or one label_events.json" in refused(
        "audit", tmp_path)
    (tmp_path / "label_events.json").write_text("[]")
    assert refused("audit", tmp_path).startswith(
        f"csops: {tmp_path / 'label_events.json'}: expected an object of label events by issue iid")
    (tmp_path / "label_events").mkdir()
    assert "holds both label_events/ and label_events.json" in refused("audit", tmp_path)
    (tmp_path / "label_events.json").unlink()
    (tmp_path / "label_events" / "101.json").write_text("[{")
    assert refused("audit", tmp_path).startswith(f"csops: {tmp_path / 'label_events' / '101.json'}: not JSON")
    (tmp_path / "label_events" / "101.json").write_text("[]")
    (tmp_path / "directory.json").write_text('{"lena": ["wizard"]}')
    err = refused("audit", tmp_path)
    assert err.startswith(f"csops: {tmp_path / 'directory.json'}: ") and '"wizard"' in err
    (tmp_path / "issues.json").unlink()
    assert refused("audit", tmp_path) == f"csops: {tmp_path / 'issues.json'}: no such file " \
        "(an export holds issues.json, label events and directory.json; see python -m csops audit --help)\n"


def book() -> pd.DataFrame:
    return pd.DataFrame({
        "account": ["acme", "globex", "initech", "hooli"],
        "segment": ["high_touch", "high_touch", None, "tech_touch"],
        "license_utilization": [92.0, 31.0, None, 88.0], "csm_sentiment": ["green", "red", None, None],
        "scm_adoption": [80.0, 40.0, 10.0, 85.0], "ci_adoption": [75.0, 20.0, None, 80.0],
        "devsecops_adoption": [60.0, 5.0, None, 55.0], "cd_adoption": [70.0, 10.0, None, 75.0],
    })


def test_score_a_csv_book(tmp_path: Path) -> None:
    book().to_csv(tmp_path / "book.csv", index=False)
    out = ok("score", "book.csv", "--segment-column", "segment", "-o", "scores.csv", cwd=tmp_path)
    expected = csops.Scorecard.default().score_batch(book(), segment=book()["segment"])
    written = pd.read_csv(tmp_path / "scores.csv")
    assert list(written.columns) == [*book().columns, "score", "band", "coverage"]
    assert list(written["account"]) == ["acme", "globex", "initech", "hooli"]
    # hooli is tech_touch: no CSM sentiment is expected of it (without its segment, it is Unknown)
    assert list(written["band"]) == list(expected["band"]) == ["Green", "Red", "Unknown", "Green"]
    assert written["score"].round(6).equals(expected["score"].round(6))
    bands = {m[1]: (m[2], m[3]) for m in re.finditer(r"^  (\w+)\s+(\d+)\s+([\d.]+ %)$", out, re.M)}
    assert bands == {"Red": ("1", "25.0 %"), "Yellow": ("0", "0.0 %"), "Green": ("2", "50.0 %"),
                     "Unknown": ("1", "25.0 %")}
    assert "Wrote 4 rows to scores.csv" in out and "6 of its 11 measures are columns of the book" in out
    check_readable(out)


def test_score_a_parquet_book_prints_its_first_rows(tmp_path: Path) -> None:
    book().set_index("account").to_parquet(tmp_path / "book.parquet")
    out = ok("score", tmp_path / "book.parquet")
    first = section(out, "The first 4 of 4 accounts")
    assert first[1].split() == ["account", "segment", "score", "band", "coverage"]
    assert first[4].split() == ["initech", "—", "—", "Unknown", "7.5", "%"]  # no score, no segment
    assert first[5].split() == ["hooli", "tech_touch", "—", "Unknown", "45.0", "%"]  # segment not used
    check_readable(out)
    ok("score", tmp_path / "book.parquet", "--as-of", "2026-03-16", "-o", tmp_path / "out.parquet")
    back = pd.read_parquet(tmp_path / "out.parquet")
    assert list(back["account"]) == ["acme", "globex", "initech", "hooli"] and "band" in back


def test_score_errors(tmp_path: Path) -> None:
    book().to_csv(tmp_path / "book.csv", index=False)
    err = refused("score", "book.csv", "--segment-column", "tier", cwd=tmp_path)
    assert err == "csops: book.csv has no column 'tier'; its columns: account, segment, " \
        "license_utilization, csm_sentiment, scm_adoption, ci_adoption, devsecops_adoption, cd_adoption\n"
    assert refused("score", "missing.csv", cwd=tmp_path) == "csops: missing.csv: no such file\n"
    assert "a book is a .csv or .parquet file" in refused("score", "book.xlsx", cwd=tmp_path)
    assert "'31/02/2026' is not a date" in refused("score", "book.csv", "--as-of", "31/02/2026", cwd=tmp_path)
    pd.DataFrame({"account": ["a"], "arr": [1.0]}).to_csv(tmp_path / "other.csv", index=False)
    assert "other.csv has none of the measures of the default scorecard as a column" in refused(
        "score", "other.csv", cwd=tmp_path)
    # A bad value of a row names the account as a person finds it in the file.
    typo = book()
    typo.loc[2, "segment"] = "no_touch"
    typo.to_csv(tmp_path / "typo.csv", index=False)
    err = refused("score", "typo.csv", "--segment-column", "segment", cwd=tmp_path)
    assert err.startswith(f"csops: account {typo.loc[2, 'account']} (row 3, line 4 of typo.csv): segment: "
                          "unknown segment \"no_touch\"; the segments are "), err
    (tmp_path / "card.toml").write_text("bands = 3\n")
    assert refused("score", "book.csv", "--scorecard", "card.toml", cwd=tmp_path).startswith("csops: card.toml: ")


def test_diagram() -> None:
    wf = csops.Workflow(directory={})
    assert ok("diagram") == wf.to_mermaid() and ok("diagram").startswith("stateDiagram-v2")
    assert ok("diagram", "--format", "dot") == wf.to_dot() and wf.to_dot().startswith("digraph")
    assert "invalid choice: 'svg'" in refused("diagram", "--format", "svg")


def test_diagram_config_errors(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("x = \n")
    assert refused("diagram", "--config", "config.toml", cwd=tmp_path).startswith("csops: config.toml: ")
    assert refused("diagram", "--config", "nope.json", cwd=tmp_path) == "csops: nope.json: no such file\n"


def test_a_quoted_label_is_never_split_across_lines() -> None:
    """The messages name labels in quotes ("CS Ops::Awaiting Feedback", ~"CSOps::In Process"):
    wrapped in the anomalies table or under Why, each label stays whole on one line."""
    for folder, as_of in ((EXPORT, AS_OF), (WILD, WILD_AS_OF)):
        out = ok("audit", folder, "--as-of", as_of, "--why")
        data = json.loads(ok("audit", folder, "--as-of", as_of, "--json"))
        messages = [a["message"] for a in data["board"]["anomalies"]]
        messages += [v["message"] for i in data["audit"]["issues"] for v in i["violations"]]
        labels = {q for m in messages for q in re.findall(r'~?"[^"]*"', m)}
        assert '"CS Ops::Awaiting Feedback"' in labels  # a label with a space, which could break
        lines = section(out, "Why") + section(out, "Anomalies")
        for line in lines:
            # A label that starts on a line ends on it.
            assert line.count('"') % 2 == 0, line
        for label in labels:
            assert any(label in line for line in lines), label
        check_readable(out)


def test_a_quoted_label_is_one_unit_even_in_a_narrow_column() -> None:
    from csops.cli.output import Prose

    text = 'carries "CS Ops::Awaiting Feedback" and ~"CSOps::In Process" now'
    for width in range(8, 40):
        lines = Prose.of(text).lines(width)
        assert " ".join(lines) == text
        assert all(line.count('"') % 2 == 0 for line in lines), (width, lines)
    # A unit wider than the column is alone on its line (rich folds it there).
    assert Prose.of(text).lines(10)[1] == '"CS Ops::Awaiting Feedback"'


def test_paths() -> None:
    shortest = csops.shortest_path("Triage", "InProcess")
    assert shortest
    expected = " → ".join([csops.title("Triage")] + [f"{csops.title(m['to'])} ({m['command']})" for m in shortest])
    assert ok("paths", "Triage", "InProcess") == expected + "\n"
    every = ok("paths", "Triage", "InProcess", "--all").splitlines()
    assert "Triage → Ready for Assignment (ready) → In Process (start)" in every
    # One path per line (a long one goes on under an indent), shortest first, as the library has them.
    starts = [line for line in every if not line.startswith(" ")]
    assert len(starts) == len(csops.simple_paths("Triage", "InProcess")) > 1 and starts[0] == expected
    long = ok("paths", "Triage", "Completed", "--all")
    check_readable(long)
    assert all(line.startswith(("Triage → ", "    → ")) for line in long.splitlines())
    assert json.loads(ok("paths", "Triage", "InProcess", "--json")) == shortest
    assert json.loads(ok("paths", "Triage", "Completed", "--all", "--json")) == csops.simple_paths("Triage", "Completed")
    # No way: said, and not an error.
    assert csops.shortest_path("Completed", "New") is None
    assert ok("paths", "Completed", "New") == "no way from Completed to New\n"
    assert json.loads(ok("paths", "Completed", "New", "--json")) is None


def test_paths_of_an_unknown_state_is_the_librarys_error() -> None:
    with pytest.raises(csops.InputError) as e:
        csops.shortest_path("Doing", "Completed")
    assert refused("paths", "Doing", "Completed") == f"csops: {e.value}\n"
    assert "the following arguments are required: TO" in refused("paths", "Triage")


REQUEST = {"id": 101, "author": "rita", "title": "Onboarding CTA rule", "assignee": "omar", "weight": 3,
           "labels": ["CSOps", "Gainsight", "CSOps::In_Process"], "created_at": "2026-01-05T09:00:00Z"}
AT = "2026-01-06T10:00:00Z"


def choices_folder(tmp_path: Path) -> list[dict[str, Any]]:
    """request.json and directory.json in `tmp_path`; the library's choices for omar at AT."""
    (tmp_path / "request.json").write_text(json.dumps(REQUEST))
    (tmp_path / "directory.json").write_text((EXPORT / "directory.json").read_text())
    wf = csops.Workflow(directory=json.loads((EXPORT / "directory.json").read_text()))
    return wf.choices(wf.load_request(REQUEST), actor="omar", at=AT)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_choices_lists_the_open_commands_first_then_what_stands_in_the_way(tmp_path: Path) -> None:
    expected = choices_folder(tmp_path)
    assert any(c["open"] for c in expected) and any(not c["open"] for c in expected)
    out = ok("choices", "request.json", "--directory", "directory.json", "--actor", "omar", "--at", AT, cwd=tmp_path)
    check_readable(out)
    assert out.splitlines()[0] == 'Request 101 "Onboarding CTA rule", in In Process: what omar may do at 2026-01-06 10:00 UTC'
    opened, closed = section(out, "Open ("), section(out, "Closed (")
    assert out.index("Open (") < out.index("Closed (")
    for c in expected:
        rows = opened if c["open"] else closed
        row = next(line for line in rows if line.split()[:1] == [c["command"]])
        assert csops.title(c["to"]) in row
        if c["open"]:  # what it must carry, by name
            carried = flat(" ".join(rows[rows.index(row):]))
            assert all(i["missing"] in carried for i in c["inputs"]), (c, row)
        else:  # every rule in the way, in the library's words
            assert all(flat(u["rule"]) in flat("\n".join(closed)) for u in c["unmet"]), c
    carried = next(line for line in opened if line.split()[0] == "request_review")
    assert carried.endswith("reviewer, summary")
    assert json.loads(ok("choices", "request.json", "--directory", "directory.json", "--actor", "omar",
                         "--at", AT, "--json", cwd=tmp_path)) == expected


def test_choices_at_a_time_and_by_default_now(tmp_path: Path) -> None:
    choices_folder(tmp_path)
    args = ("choices", "request.json", "--directory", "directory.json", "--actor", "omar", "--json")
    # Before the request was made nothing is open: the time is the library's rule (invalid_time).
    early = json.loads(ok(*args, "--at", "2025-12-01", cwd=tmp_path))
    assert early and not any(c["open"] for c in early)
    assert all(any(u["kind"] == "invalid_time" for u in c["unmet"]) for c in early)
    now = json.loads(ok(*args, cwd=tmp_path))
    assert any(c["open"] for c in now) and not any(u["kind"] == "invalid_time" for c in now for u in c["unmet"])
    assert "Default: now, in UTC" in ok("choices", "--help")


def test_choices_errors_name_the_input(tmp_path: Path) -> None:
    choices_folder(tmp_path)
    base = ("--directory", "directory.json", "--actor", "omar")
    assert refused("choices", "nope.json", *base, cwd=tmp_path) == "csops: nope.json: no such file\n"
    (tmp_path / "list.json").write_text("[]")
    assert refused("choices", "list.json", *base, cwd=tmp_path).startswith(
        "csops: list.json: expected an object of a request's fields, found a list")
    (tmp_path / "bad.json").write_text(json.dumps({"id": 1, "created_at": AT}))
    err = refused("choices", "bad.json", *base, cwd=tmp_path)
    assert err.startswith("csops: bad.json: ") and "author" in err
    (tmp_path / "roles.json").write_text('{"lena": ["wizard"]}')
    err = refused("choices", "request.json", "--directory", "roles.json", "--actor", "omar", cwd=tmp_path)
    assert err.startswith("csops: roles.json: ") and '"wizard"' in err
    (tmp_path / "config.toml").write_text("x = \n")
    assert refused("choices", "request.json", *base, "--config", "config.toml", cwd=tmp_path).startswith(
        "csops: config.toml: ")
    assert 'argument --at: "soon" is not a time' in refused("choices", "request.json", *base, "--at", "soon",
                                                            cwd=tmp_path)
    assert "the following arguments are required: --directory" in refused(
        "choices", "request.json", "--actor", "omar", cwd=tmp_path)


def test_help_says_what_the_files_look_like() -> None:
    top = ok("--help")
    assert all(f"python -m csops {c}" in top for c in ("audit FOLDER", "score BOOK", "diagram"))
    audit = ok("audit", "--help")
    assert all(f in audit for f in ("issues.json", "label_events/<iid>.json", "label_events.json", "directory.json",
                                    "workstream_lead:<Workstream>", "Default: now, in UTC"))
    assert "days_since_last_touch" in ok("score", "--help") and "--segment-column" in ok("score", "--help")
    assert "JSON or TOML" in ok("diagram", "--help")
    assert all(f"python -m csops {c}" in top for c in ("paths FROM TO", "choices REQUEST"))
    assert "example: python -m csops paths " in ok("paths", "--help")
    assert "example: python -m csops choices " in ok("choices", "--help")
    assert "example: python -m csops sync " in ok("sync", "--help")
    assert "--gitlab URL --project PATH" in audit
    for command in ("audit", "sync", "score", "diagram", "paths", "choices"):
        assert all(columns(line) <= 100 for line in ok(command, "--help").splitlines()), command
    assert "the following arguments are required: COMMAND" in refused()


def test_diagram_help_points_at_the_installed_package_not_a_source_file() -> None:
    text = ok("diagram", "--help")
    assert ".rs" not in text and "csops-core" not in text
    shown = 'python -c "import csops; print(csops.Workflow({}).config)"'
    assert shown in text and "JSON or TOML" in text
    # The command it gives prints the configuration's sections, and the help names each one.
    printed = subprocess.run(shlex.split(shown.replace("python", shlex.quote(sys.executable), 1)),
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": PACKAGE_DIR})
    assert printed.returncode == 0 and printed.stdout.startswith("{")
    sections = list(csops.Workflow(directory={}).config)
    assert sections and all(f"'{s}'" in printed.stdout and s in text for s in sections)


def test_a_misspelt_option_gets_its_commands_usage_and_a_suggestion() -> None:
    err = refused("audit", EXPORT, "--asof", "2026-03-16")
    assert err.startswith("usage: python -m csops audit "), err
    assert "python -m csops audit: error: unrecognized arguments: --asof 2026-03-16; did you mean --as-of?" in err
    assert "did you mean --as-of?" in refused("audit", EXPORT, "--asof=2026-03-16")
    # Whichever error argparse meets first: here the option it required is missing.
    err = refused("choices", "request.json", "--directory", "d.json", "--actr", "omar")
    assert err.startswith("usage: python -m csops choices ") and "did you mean --actor?" in err
    # Nothing is suggested when nothing is close.
    err = refused("paths", "Triage", "New", "--zzz")
    assert err.startswith("usage: python -m csops paths ") and "did you mean" not in err


def test_the_readme_commands_run(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"## From the command line\n(.*?)\n## ", text, re.S)
    assert section
    block = re.search(r"```sh\n(.*?)```", section[1], re.S)
    request = re.search(r"`request.json`.*?```json\n(.*?)```", section[1], re.S)  # the file choices reads
    assert block and request
    (tmp_path / "request.json").write_text(request[1], encoding="utf-8")
    commands = [shlex.split(line, comments=True) for line in block[1].splitlines() if line.strip()]
    assert [c[:4] for c in commands] == [["python", "-m", "csops", c] for c in
                                         ("audit", "score", "backtest", "diagram", "paths", "choices")]
    for c in commands:
        ok(*[str(ROOT / a) if a.startswith("examples/") else a for a in c[3:]], cwd=tmp_path)


ACCOUNTS = ROOT / "examples" / "accounts"


def sample_history() -> pd.DataFrame:
    """The sample history as the CLI reads it: value cells that read as numbers are numbers."""
    h = pd.read_csv(ACCOUNTS / "history.csv")
    numbers = pd.to_numeric(h["value"], errors="coerce")
    h["value"] = numbers.astype(object).where(numbers.notna(), h["value"])
    return h


def test_backtest_prints_what_the_library_reports() -> None:
    out = ok("backtest", ACCOUNTS / "history.csv", ACCOUNTS / "outcomes.csv",
             "--segments", ACCOUNTS / "segments.csv")
    check_readable(out)
    card = csops.Scorecard.default()
    b = card.backtest(sample_history(), pd.read_csv(ACCOUNTS / "outcomes.csv"),
                      segments=pd.read_csv(ACCOUNTS / "segments.csv"))
    assert out.startswith(f"Backtest of the default scorecard (version 1, hash {card.identity['hash'][:12]}) "
                          "on 100 outcomes")
    rows = section(out, "  lead")[1:]
    assert len(rows) == 3
    for row, r in zip(rows, b.summary.itertuples()):
        cells = row.split()
        assert cells[0:2] == [str(r.lead_days), "d"] and cells[2] == str(r.pairs)
        assert cells[5] == f"{r.auc:.3f}" and cells[6] == f"{r.auc_low:.3f}–{r.auc_high:.3f}"
    alarms = b.false_alarms[b.false_alarms.lead_days == 90]
    assert f"False alarms (renewed while Red), 90 days before: {len(alarms)}" in out
    assert f"{alarms.iloc[0]['account']}: {alarms.iloc[0]['score']:.1f}" in out


def test_backtest_side_by_side_json_and_suggested_weights(tmp_path: Path) -> None:
    args = ["backtest", ACCOUNTS / "history.csv", ACCOUNTS / "outcomes.csv",
            "--segments", ACCOUNTS / "segments.csv", "--bootstrap", "200"]
    out = ok(*args, "--against", ACCOUNTS / "scorecard-engagement-first.toml")
    check_readable(out)
    assert "A = the default scorecard, B = the scorecard" in out
    rows = section(out, "  lead  AUC A")[1:]
    assert len(rows) == 3 and all(r.split()[-2:] in (["tell", "apart"], ["separates", "better"]) for r in rows)
    doc = json.loads(ok(*args, "--json", "--suggest-weights", "2025-12-01", "-o", tmp_path / "next.toml"))
    assert doc["backtest"]["scorecard"]["version"] == "1"
    assert [lt["lead_days"] for lt in doc["backtest"]["lead_times"]] == [30, 60, 90]
    suggested = csops.Scorecard((tmp_path / "next.toml").read_text())
    assert suggested.identity == doc["suggested_weights"]["suggested"]
    assert suggested.identity["version"] == "2"


def test_backtest_errors(tmp_path: Path) -> None:
    pd.DataFrame({"account": ["a"], "outcome": ["lost"], "at": ["2026-01-01"]}).to_csv(
        tmp_path / "o.csv", index=False)
    err = refused("backtest", ACCOUNTS / "history.csv", tmp_path / "o.csv")
    assert "row 0" in err and "lost" in err and "churned" in err
    pd.DataFrame({"account": ["a"], "when": ["2026-01-01"]}).to_csv(tmp_path / "h.csv", index=False)
    err = refused("backtest", tmp_path / "h.csv", ACCOUNTS / "outcomes.csv")
    assert "no column" in err and "columns: account, when" in err
    assert "give days like 30,60,90" in refused("backtest", "h.csv", "o.csv", "--lead-days", "x", cwd=tmp_path)
    assert "--suggest-weights" in refused("backtest", ACCOUNTS / "history.csv", ACCOUNTS / "outcomes.csv",
                                          "-o", tmp_path / "x.toml")
