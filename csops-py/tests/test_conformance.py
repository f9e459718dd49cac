"""Every conformance vector through the Python API (`conformance/FORMAT.md`).

Vectors come from the project's copy of the shared folder (csops-core/tests/conformance), its own
vectors (csops-core/tests/vectors) and `$CSOPS_VECTORS` (a file or a folder). A vector of a kind
this build does not know yet is reported as skipped, by name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pytest

import csops

ROOT = Path(__file__).resolve().parents[2]
KNOWN = {"workflow", "labels", "weight", "metrics", "health", "backtest"}


def vector_files() -> list[Path]:
    files = sorted((ROOT / "csops-core/tests/conformance").glob("*.json"))
    files += sorted((ROOT / "csops-core/tests/vectors").glob("*.json"))
    extra = os.environ.get("CSOPS_VECTORS")
    if extra:
        p = Path(extra)
        files += sorted(p.glob("*.json")) if p.is_dir() else [p]
    return files


def test_there_are_vectors() -> None:
    assert len(vector_files()) >= 6


@pytest.mark.parametrize("path", vector_files(), ids=lambda p: p.name)
def test_vector(path: Path) -> None:
    v = json.loads(path.read_text(encoding="utf-8"))
    kind = v.get("kind")
    if kind not in KNOWN:
        pytest.skip(f"{path.name}: kind {kind!r} is not known to this build yet")
    runners = {"labels": run_labels, "weight": run_weight, "workflow": run_workflow, "metrics": run_metrics,
               "health": run_health, "backtest": run_backtest}
    runners[kind](v, path.name)


def run_health(v: dict, name: str) -> None:  # type: ignore[type-arg]
    """Each account alone through `Scorecard.score`; the accounts without a previous score or an
    override also in one `score_batch` per as-of date, which must agree exactly."""
    spec = v["scorecard"]
    if "scorecard_error" in v:
        with pytest.raises(csops.ConfigError) as info:
            csops.Scorecard(json.dumps(spec))
        assert v["scorecard_error"]["key"] in info.value.key, f"{name}: {info.value}"
        return
    card = csops.Scorecard.default() if spec == "default" else csops.Scorecard.from_dict(spec)
    plain: dict[str | None, list[tuple[dict, csops.HealthScore]]] = {}  # type: ignore[type-arg]
    for i, a in enumerate(v["accounts"]):
        where = f"{name} accounts[{i}] {a.get('id')}"
        kwargs = {k: a[k] for k in ("as_of", "previous", "segment", "override") if k in a}
        if "expect_error" in a:
            with pytest.raises(csops.InputError) as info:
                card.score(a["values"], **kwargs)
            assert a["expect_error"]["measure"] in str(info.value), where
            continue
        s = card.score(a["values"], **kwargs)
        e = a["expect"]
        if e["score"] is None:
            assert s.score is None, where
        else:
            assert s.score == pytest.approx(e["score"], abs=1e-9), where
        assert s.band == e["band"], where
        if "coverage" in e:
            assert s.coverage == pytest.approx(e["coverage"], abs=1e-9), where
        for key in ("stale", "vetoes", "computed_band", "trend"):
            if key in e:
                assert getattr(s, key) == e[key], f"{where}: {key}"
        if "band_change" in e:
            expected = tuple(e["band_change"]) if e["band_change"] else None
            assert s.band_change == expected, where
        if "previous" not in a and "override" not in a:
            plain.setdefault(a.get("as_of"), []).append((a, s))
    for as_of, rows in plain.items():
        columns: dict[str, list[object]] = {m: [] for m in card.measures}
        observed: dict[str, list[object]] = {m: [] for m in card.measures}
        for a, _ in rows:
            for m in card.measures:
                raw = a["values"].get(m)
                value, at = (raw.get("value"), raw.get("at")) if isinstance(raw, dict) else (raw, None)
                columns[m].append(value)
                observed[m].append(at)
        segments = [a.get("segment") for a, _ in rows]
        out = card.score_batch(
            {m: c for m, c in columns.items() if any(x is not None for x in c)},
            as_of=as_of,
            observed={m: o for m, o in observed.items() if any(x is not None for x in o)},
            segment=segments,
        )
        for r, (a, s) in enumerate(rows):
            where = f"{name} {a.get('id')} (batch)"
            batch_score = None if out["score"][r] != out["score"][r] else float(out["score"][r])
            assert batch_score == s.score, where
            assert out["band"][r] == s.band, where
            assert out["coverage"][r] == s.coverage, where


def subset(at: str, expected: object, actual: object) -> None:
    """Every key of `expected` is in `actual` with the same value (numbers within 1e-9)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{at}: expected {expected}, actual {actual}"
        for k, e in expected.items():
            assert k in actual, f"{at}.{k}: missing"
            subset(f"{at}.{k}", e, actual[k])
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{at}: {expected} != {actual}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            subset(f"{at}[{i}]", e, a)
    elif isinstance(expected, float) or (isinstance(expected, int) and isinstance(actual, float)):
        assert actual is not None and abs(float(actual) - expected) <= 1e-9, f"{at}: {expected} != {actual}"
    else:
        assert expected == actual, f"{at}: expected {expected!r}, actual {actual!r}"


def run_backtest(v: dict, name: str) -> None:  # type: ignore[type-arg]
    """The input's rows as pandas DataFrames (the value column of numbers and category names
    as Python objects) through `Scorecard.score_history` and `Scorecard.backtest`."""
    import pandas as pd

    card = csops.Scorecard.from_dict(v["scorecard"])
    inp = v["input"]
    history = pd.DataFrame(inp["history"], columns=["account", "measure", "observed_at", "value"])
    history["value"] = history["value"].astype(object)
    segments = (pd.DataFrame(inp["segments"], columns=["account", "segment", "from"])
                if inp.get("segments") else None)
    outcomes = pd.DataFrame(inp.get("outcomes", []), columns=["account", "outcome", "at"])
    options = inp.get("options", {})
    if "as_of" in v:
        rows = card.score_history(history, inp["dates"], segments=segments)
        actual = [{"account": r.account, "as_of": r.as_of.isoformat(),
                   "score": None if pd.isna(r.score) else r.score, "band": str(r.band),
                   "coverage": r.coverage} for r in rows.itertuples()]
        subset(f"{name} as_of", v["as_of"], actual)
    kwargs = {k: options[k] for k in ("lead_days", "bootstrap", "seed", "reasons") if k in options}
    if "expect_error" in v:
        with pytest.raises(csops.InputError) as info:
            card.backtest(history, outcomes, segments=segments, **kwargs)
        want = v["expect_error"]
        if "row" in want:
            assert f"row {want['row']}" in str(info.value), f"{name}: {info.value}"
        if "input" in want:
            assert want["input"] in str(info.value), f"{name}: {info.value}"
        return
    report = card.backtest(history, outcomes, segments=segments, **kwargs).to_dict()
    for lead in report["lead_times"]:
        for lst, reasons in (("missed_churn", "missed_churn_reasons"), ("false_alarms", "false_alarm_reasons")):
            lead[reasons] = [p["reasons"] for p in lead[lst]]
            lead[lst] = [p["account"] for p in lead[lst]]
    subset(f"{name} expect", v["expect"], report)


def metric(name: str, data: object) -> float:
    m = csops.metrics
    if name in ("nps", "csat"):
        return getattr(m, name)(data)  # type: ignore[no-any-return]
    assert isinstance(data, dict)
    return getattr(m, name)(**data)  # type: ignore[no-any-return]


def smau_nested(events: object, paying: object) -> dict:  # type: ignore[type-arg]
    """SMAU's two long forms folded into the vectors' `{total, by_account}` shape."""
    total: dict = {}  # type: ignore[type-arg]
    by_account: dict = {}  # type: ignore[type-arg]
    def rows(result: object) -> list:  # type: ignore[type-arg]
        return result.to_pylist() if isinstance(result, pa.Table) else result  # type: ignore[return-value]

    for r in rows(csops.metrics.smau(events, paying=paying, by="total")):
        total.setdefault(r["month"], {})[r["stage"]] = r["users"]
    for r in rows(csops.metrics.smau(events, paying=paying)):
        by_account.setdefault(r["account"], {}).setdefault(r["month"], {})[r["stage"]] = r["users"]
    return {"total": total, "by_account": by_account}


def event_table(events: list) -> pa.Table:  # type: ignore[type-arg]
    """A vector's usage events as a pyarrow Table of text columns (a missing key is a null)."""
    return pa.Table.from_pylist(events, schema=pa.schema([(k, pa.string()) for k in ("account", "user", "stage", "at")]))


def smau_forms(data: dict) -> list:  # type: ignore[type-arg]
    """SMAU over the vector's events as a list of dicts and as a pyarrow Table (Arrow's path)."""
    events, paying = data["events"], data.get("paying")
    return [smau_nested(events, paying), smau_nested(event_table(events), paying)]


def run_metrics(v: dict, name: str) -> None:  # type: ignore[type-arg]
    for i, case in enumerate(v["cases"]):
        where = f"{name} cases[{i}] {case['metric']} {case['input']}"
        if case["metric"] == "smau":
            if "error" in case:
                for form in (case["input"]["events"], event_table(case["input"]["events"])):
                    with pytest.raises(csops.InputError):
                        smau_nested(form, case["input"].get("paying"))
            else:
                for actual in smau_forms(case["input"]):
                    assert actual == case["expect"], where
            continue
        if "error" in case:
            with pytest.raises(csops.InputError):
                metric(case["metric"], case["input"])
        else:
            assert metric(case["metric"], case["input"]) == pytest.approx(case["expect"], abs=1e-9), where


def run_labels(v: dict, name: str) -> None:
    for i, case in enumerate(v.get("parse", [])):
        label = csops.Label.parse(case["input"])
        assert (label.canonical, label.state) == (case["canonical"], case["state"]), f"{name} parse[{i}]"
    for i, case in enumerate(v.get("apply", [])):
        s = csops.LabelSet(case["set"])
        s.add(case["add"])
        assert set(s) == set(case["result"]), f"{name} apply[{i}]"
    for i, case in enumerate(v.get("scope", [])):
        assert csops.scope(case["input"]) == case["scope"], f"{name} scope[{i}]"


def run_weight(v: dict, name: str) -> None:
    for i, case in enumerate(v["cases"]):
        where = f"{name} cases[{i}] {case}"
        if "hours" in case:
            call = lambda: csops.weight_for_hours(case["hours"])  # noqa: E731
        else:
            call = lambda: csops.Weight(case["weight_value"]).value  # noqa: E731
        if "error" in case:
            with pytest.raises(csops.InputError) as info:
                call()
            assert info.value.kind == case["error"], where
        else:
            assert call() == case["weight"], where


def run_workflow(v: dict, name: str) -> None:
    wf = csops.Workflow(v["directory"], config=v.get("config"))
    req = wf.load_request(v["request"])
    for i, step in enumerate(v["steps"]):
        where = f"{name} steps[{i}] {step['command']} by {step['actor']}"
        before = req.to_json()
        if "expect" in step:
            try:
                t = wf.apply(req, step["command"], actor=step["actor"], at=step["at"])
            except csops.TransitionRejected as e:
                pytest.fail(f"{where}: expected {step['expect']['state']}, actual rejected: {e}")
            e = step["expect"]
            actual = (t.state, set(t.add_labels), set(t.remove_labels), t.close, t.reopen)
            expected = (e["state"], set(e["add_labels"]), set(e["remove_labels"]), e.get("close", False), e.get("reopen", False))
            assert actual == expected, where
        else:
            with pytest.raises(csops.TransitionRejected) as info:
                wf.apply(req, step["command"], actor=step["actor"], at=step["at"])
            err = step["expect_error"]
            assert info.value.kind == err["kind"], f"{where}: {info.value}"
            if "missing" in err:
                assert set(info.value.missing) == set(err["missing"]), where
            assert req.to_json() == before, f"{where}: a rejection changed the request"
    final = v.get("final")
    if final:
        if "state" in final:
            assert req.state == final["state"], f"{name} final"
        if "open" in final:
            assert req.is_open == final["open"], f"{name} final"
        if "labels" in final:
            assert set(req.labels) == set(final["labels"]), f"{name} final"
        if "history_len" in final:
            assert len(req.history) == final["history_len"], f"{name} final"
