#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (csops-core/fuzz/corpus/<target>/) from the project's
samples: the GitLab exports and hook, the conformance and project vectors, the default
scorecard. A target taking several texts gets them joined by NUL bytes (see
csops-core/fuzz/targets.rs). Run by scripts/fuzz when a corpus is missing; the output is
committed, and the normal suite replays it (csops-core/tests/fuzz_regressions.rs)."""

import hashlib
import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMMAND = {"type": "triage", "workstream": "Gainsight"}
CORPUS = ROOT / "csops-core" / "fuzz" / "corpus"
SHARED = ROOT.parent / "shared" / "conformance"


def mini(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def vectors():
    for folder in (ROOT / "csops-core" / "tests" / "conformance", ROOT / "csops-core" / "tests" / "vectors", SHARED):
        if folder.is_dir():
            yield from (load(p) for p in sorted(folder.glob("*.json")))


def main():
    seeds = {}

    def seed(target, *parts):
        data = "\0".join(parts).encode("utf-8")
        seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()[:16]] = data

    now = "2026-03-16T09:00:00Z"
    config = {
        "sla": {"untriaged_days": 2, "review_due_business_days": 3, "backlog_horizon_days": 30},
    }
    export = ROOT / "examples" / "gitlab-export"
    wild = ROOT / "examples" / "gitlab-wild"
    issues = load(export / "issues.json") + load(wild / "issues.json")
    events = {p.stem: load(p) for p in sorted((export / "label_events").glob("*.json"))}
    events.update(load(wild / "label_events.json"))
    hook = load(ROOT / "examples" / "webhook" / "hook.json")
    hook_allowed = load(ROOT / "examples" / "webhook" / "hook_allowed.json")
    card_toml = (ROOT / "csops-core" / "src" / "health" / "default_scorecard.toml").read_text()

    for v in vectors():
        kind = v.get("kind")
        if kind == "labels":
            for case in v.get("parse", []):
                seed("labels", case["input"])
            for case in v.get("apply", []):
                seed("labels", "\n".join(case["set"] + [case["add"]]))
        elif kind == "workflow":
            seed("directory", mini(v["directory"]))
            seed("request", mini(v["request"]), now)
            seed("config", mini(v.get("config", config)), mini(v["request"]), now)
            steps = v.get("steps", [])
            for step in steps[:3]:
                seed("command", mini(step["command"]), step["actor"], step["at"], mini(v["request"]))
            if steps:
                seed("command", "\n".join(mini(s["command"]) for s in steps), steps[0]["actor"],
                     steps[0]["at"], mini(v["request"]))
        elif kind == "metrics":
            for case in v.get("cases", []):
                if case.get("metric") == "smau":
                    seed("smau", mini(case["input"]))
        elif kind == "backtest":
            seed("backtest", mini(v["scorecard"]), mini(v["input"]),
                 mini({"split": "2026-03-01", "lead_days": 10}))
        elif kind == "health" and "scorecard" in v:
            for account in v.get("accounts", [])[:4]:
                seed("scorecard", mini(v["scorecard"]), mini(account.get("values", {})),
                     v.get("as_of", "2026-03-01"))
    seed("scorecard", card_toml, mini({"util": 80, "engagement": 60, "sentiment": "red"}), "2026-03-01")
    seed("config", '[sla]\nuntriaged_days = 2\n[review]\nrequired = ["dashboard"]\n',
         mini({"id": 1, "title": "t", "author": "rita",
               "labels": ["CSOps"], "created_at": "2026-02-02T09:00:00Z"}), now)

    rules = {"rules": [{"name": "emea", "when": {"regions": ["EMEA"]},
                        "then": {"team": "Growth", "priority": 2, "engagement": "mid_touch",
                                 "sales_segment": "Mid-Market"}}]}
    accounts = [{"id": "acme", "arr": 750000.0, "seats": 2000, "region": "EMEA"},
                {"id": "tiny", "arr": 4000.0, "seats": 10, "public_sector": True, "region": "AMER"}]
    seed("segmentation", mini(rules), mini(accounts))
    seed("segmentation", "", mini(accounts))
    seed("segmentation", '[[rules]]\nname = "all"\nthen = {team = "Scale", priority = 4, '
         'engagement = "tech_touch", sales_segment = "SMB"}\n', mini(accounts))

    journey = "\n".join([
        '2026-01-05 {"type":"contract_signed","start":"2026-01-05","renewal":"2027-01-05","arr":120000}',
        '2026-01-12 {"type":"first_engagement"}',
        '2026-02-01 {"type":"first_value"}',
        '2026-03-01 {"type":"onboarding_completed"}',
        '2026-06-01 {"type":"expansion","arr_delta":5000}',
        "2026-09-10",
        '2026-12-01 {"type":"renewed","renewal":"2028-01-05","arr":130000}',
    ])
    seed("journey", "", journey)
    seed("journey", mini({"renewal_window_days": 90}), journey)

    for issue in issues[:8] + issues[-12:]:
        seed("gitlab_issue", mini(issue))
        iid = str(issue["iid"])
        if iid in events:
            seed("gitlab_events", mini(issue), mini(events[iid]), now)
    for h in (hook, hook_allowed):
        iid = str(h["object_attributes"]["iid"])
        seed("gitlab_hook", mini(h), mini(events.get(iid, [])))
    for chunk in (issues[:6], issues[60:64], issues[-8:]):
        ev = {str(i["iid"]): events[str(i["iid"])] for i in chunk if str(i["iid"]) in events}
        seed("gitlab_audit", "", mini(chunk), mini(ev), now)
        seed("gitlab_audit", mini(config), mini(chunk), "", now)

    # The C ABI: directory, configuration, request, command, actor, time, issues, events, date.
    directory = mini(load(export / "directory.json"))
    for v in vectors():
        if v.get("kind") == "workflow" and v.get("steps"):
            step = v["steps"][0]
            seed("ffi", mini(v["directory"]), mini(v.get("config", config)), mini(v["request"]),
                 mini(step["command"]), step["actor"], step["at"], mini(issues[:3]), "", "2026-03-01")
    chunk = issues[:4]
    ev = {str(i["iid"]): events[str(i["iid"])] for i in chunk if str(i["iid"]) in events}
    seed("ffi", directory, "", mini({"id": 1, "author": "rita", "labels": ["CSOps"],
                                    "created_at": "2026-02-02T09:00:00Z"}),
         mini({"type": "contract_signed", "start": "2026-01-05", "renewal": "2027-01-05", "arr": 10}),
         "omar", now, mini(chunk), mini(ev), "2026-01-05")
    for h in (hook, hook_allowed):
        iid = str(h["object_attributes"]["iid"])
        one = next((i for i in issues if str(i["iid"]) == iid), issues[0])
        seed("ffi", directory, "", mini({"id": int(iid), "author": "rita", "labels": ["CSOps"],
                                        "created_at": "2026-01-02T09:00:00Z"}),
             mini(COMMAND), "omar", now, mini(one), mini(h), "2026-03-01")
        if iid in events:
            seed("ffi", directory, "", "", "", "omar", now, mini(one), mini(events[iid]), "")
    seed("ffi", directory, card_toml, mini({"util": 80, "engagement": 60}), '{"type":"triage"}',
         "lena", now, mini(issues[5]), "", "2026-03-01")

    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for target, files in sorted(seeds.items()):
        folder = CORPUS / target
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    total = sum(len(f) for f in seeds.values())
    size = sum(len(d) for f in seeds.values() for d in f.values())
    print(f"fuzz seeds: {total} inputs, {size // 1024} KiB, {len(seeds)} targets in {CORPUS}", file=sys.stderr)


if __name__ == "__main__":
    main()
