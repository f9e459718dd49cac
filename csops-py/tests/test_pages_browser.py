"""The report pages in a real browser (SPEC §6): Debian's Chromium, headless, driven by
Playwright, at a laptop's 1366×768 and a phone's 390×844. Each page loads with no console error
and no request beyond itself, every number read from the DOM is the JSON report's, each chart
has the points it should, nothing but a chart or a table is wider than a phone, and it prints.
The pages, their screenshots and a printed PDF are kept in target/pages/ for a person to look
at."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pytest

import csops
from csops import gitlab

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "pages"
WILD = ROOT / "examples" / "gitlab-wild"
ACCOUNTS = ROOT / "examples" / "accounts"
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}
# What keeps a headless Chromium from reaching out on its own (updates, sync, field trials).
QUIET = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def reports() -> dict[str, tuple[str, Any]]:
    """Each page to check: its HTML and its report's JSON."""
    wf = csops.Workflow(directory=json.loads((WILD / "directory.json").read_text()))
    issues = json.loads((WILD / "issues.json").read_text())
    events = json.loads((WILD / "label_events.json").read_text())
    out: dict[str, tuple[str, Any]] = {}
    for name, as_of in (("board", "2026-05-11T00:00:00Z"), ("board-2026-04-01", "2026-04-01T00:00:00Z")):
        run = gitlab.audit(issues, events, as_of=as_of, workflow=wf)
        out[name] = (run.to_html("cs-ops/requests"), run.to_dict())
    history = pd.read_csv(ACCOUNTS / "history.csv")
    numbers = pd.to_numeric(history["value"], errors="coerce")
    history["value"] = numbers.astype(object).where(numbers.notna(), history["value"])
    segments = pd.read_csv(ACCOUNTS / "segments.csv")
    backtest = csops.Scorecard.default().backtest(history, pd.read_csv(ACCOUNTS / "outcomes.csv"),
                                                  segments=segments, bootstrap=200)
    out["backtest"] = (backtest.to_html(), backtest.to_dict())
    book = pd.read_csv(ACCOUNTS / "book.csv")
    previous = pd.read_csv(ACCOUNTS / "scores-previous.csv").set_index("account").reindex(book["account"])
    report = csops.Scorecard.default().book_report(book, book["account"], segment=book["segment"],
                                                   previous=previous)
    out["book"] = (report.to_html("book.csv"), report.to_dict())
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: scripts/test installs Debian's chromium (apt-get)"
    from playwright.sync_api import sync_playwright  # scripts/test installs it (requirements-dev.txt)

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=QUIET)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages() -> dict[str, tuple[Path, Any]]:
    if OUT.exists():
        shutil.rmtree(OUT / "screenshots", ignore_errors=True)
    (OUT / "screenshots").mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (html, doc) in reports().items():
        path = OUT / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        out[name] = (path, doc)
    return out


def at(doc: Any, path: str) -> Any:
    for key in path.split("."):
        doc = doc[int(key)] if isinstance(doc, (list, tuple)) else doc[key]
    return doc


SHOWN = """() => [...document.querySelectorAll('[data-json]')].map(e =>
    [e.dataset.json, e.dataset.scale || '1', e.hasAttribute('data-length'), e.textContent])"""

OVERFLOW = """() => [...document.querySelectorAll('main > *, header > *, footer > *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""


@pytest.mark.parametrize("name", ["board", "board-2026-04-01", "backtest", "book"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_page_in_a_real_browser(browser: Any, pages: dict[str, tuple[Path, Any]], name: str, device: str) -> None:
    path, doc = pages[name]
    width, height = VIEWPORTS[device]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=2 if device == "phone" else 1)
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    try:
        assert problems == []
        assert requests == [path.as_uri()], "the page fetched something"

        # Every number in the DOM is the report's.
        shown = page.evaluate(SHOWN)
        assert len(shown) > 5
        for key, scale, length, text in shown:
            value = at(doc, key)
            value = len(value) if length else value
            if value is None:
                assert text == "–", key
                continue
            decimals = len(text.split(".")[1]) if "." in text else 0
            assert abs(float(text.replace(",", "")) - value / float(scale)) <= 0.5 * 10 ** -decimals + 1e-9, \
                f"{key}: the page shows {text}, the report has {value}"

        # Nothing but a chart's or a table's own scroller is wider than the screen.
        assert page.evaluate(OVERFLOW) == []
        # Each chart is drawn and visible.
        for box in page.locator("figure .chart svg").all():
            b = box.bounding_box()
            assert b is not None and b["width"] > 200 and b["height"] > 60
        charts_hold_their_points(page, name, doc)
        page.screenshot(path=str(OUT / "screenshots" / f"{name}-{device}-{width}x{height}.png"), full_page=True)
        if device == "laptop":
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", print_background=True)
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
            (OUT / f"{name}.pdf").write_bytes(pdf)
    finally:
        context.close()


def charts_hold_their_points(page: Any, name: str, doc: dict[str, Any]) -> None:
    if name.startswith("board"):
        flow = doc["flow"]
        days = len({c["day"] for c in flow["days"]})
        drawn = {c["state"] for c in flow["days"] if c["requests"] > 0}
        polygons = page.eval_on_selector_all("#cfd svg polygon", "ps => ps.map(p => p.points.numberOfItems)")
        assert len(polygons) == len(drawn) and all(n == 2 * days for n in polygons), \
            "one area per state, a point per day on each edge"
        circles = page.locator("#control-chart svg circle").count()
        assert circles == len(flow["completions"]) == flow["cycle_time"]["count"]
        weeks = [w for w in doc["board"]["throughput"] if w["closed"] > 0]
        bars = page.locator("#throughput svg rect").count()
        assert bars >= len(weeks)
        links = page.eval_on_selector_all("table#violations a", "as => as.map(a => a.href)")
        assert links and set(links) <= set(doc["web_urls"].values())
    elif name == "backtest":
        curves = page.locator("#roc svg polyline").count()
        assert curves >= len(doc["lead_times"]) + 1, "a curve per lead time, and chance"
        for lead in doc["lead_times"]:
            assert page.locator(f"#bands-{lead['lead_days']} svg").count() == 1
    elif name == "book":
        cells = [c for c in doc["bands"] if c["accounts"] > 0]
        bars = page.locator("#bands svg rect").count()
        assert bars >= len(cells), "a bar piece per segment and band with accounts"
