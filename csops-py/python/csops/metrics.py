"""Customer metrics (SPEC §11): exact formulas, answers in percent.

Empty input, out-of-range values and inconsistent inputs raise `csops.InputError` (its `.key`
names the input), never return NaN.

    >>> from csops import metrics
    >>> metrics.nps([10, 9, 7, 3])
    25.0
    >>> metrics.nrr(start_arr=1_000_000, expansion=200_000, contraction=50_000, churned=100_000)
    105.0
    >>> metrics.grr(start=[100, 100, 0], now=[150, 0, 80])  # per account; new logos excluded
    50.0
    >>> events = [{"account": "acme", "user": "u1", "stage": "create", "at": "2026-01-31T23:59:59Z"}]
    >>> metrics.smau(events, by="total")  # a pyarrow / polars / pandas / DuckDB table works too
    [{'month': '2026-01', 'stage': 'create', 'users': 1}]
"""

from csops._csops import csat, grr, license_utilization, logo_churn, nps, nrr, smau

__all__ = ["csat", "grr", "license_utilization", "logo_churn", "nps", "nrr", "smau"]
