//! The customer side: maturity (§12), segmentation and capacity (§8), the journey (§9).

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::*;

/// A CS Ops maturity assessment (SPEC §12): the 15 capabilities rated 0-3.
///
/// `Maturity(ratings, foundations=None)`. `ratings`: a dict from each capability, by id (a
/// name of `csops.CAPABILITIES`, e.g. "metrics") or number (1-15, e.g. 4), to its rating: 0
/// absent, 1 emerging, 2 established, 3 optimised; all 15 exactly once. `foundations`: a dict
/// from a capability id to the list of capability ids it builds on (None: the source's own
/// links). `report()` gives the stages, the weakest capabilities and those ahead of their
/// foundations.
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct Maturity {
    pub(crate) inner: csops_core::maturity::Maturity,
    pub(crate) model: csops_core::maturity::MaturityModel,
}

#[pymethods]
impl Maturity {
    /// `ratings`: capability id ("metrics") or number (4) -> 0 absent, 1 emerging, 2 established,
    /// 3 optimised; all 15 once. `foundations`: capability -> the capabilities it builds on
    /// (None = the source's links).
    #[new]
    #[pyo3(signature = (ratings, foundations = None))]
    fn new(
        py: Python<'_>,
        ratings: &Bound<'_, PyDict>,
        foundations: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Maturity> {
        let ratings: csops_core::maturity::Ratings = read(py, ratings.as_any(), "ratings")?;
        let inner = csops_core::maturity::Maturity::from_ratings(ratings.0)
            .map_err(|e| core_error(py, e))?;
        let model = match foundations {
            None => csops_core::maturity::MaturityModel::default(),
            Some(f) => csops_core::maturity::MaturityModel {
                foundations: read(py, f.as_any(), "foundations")?,
            },
        };
        Ok(Maturity { inner, model })
    }

    /// The ratings, capability id -> 0-3, in the source's order.
    #[getter]
    fn ratings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for c in csops_core::maturity::Capability::ALL {
            d.set_item(c.id(), self.inner.rating(c) as u8)?;
        }
        Ok(d)
    }

    /// The report: `stages` (completion in percent, established count), `highest_established_stage`,
    /// `weakest` (capability ids) and `ahead_of_foundations` (capability, rating, missing).
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.report(&self.model))
    }

    fn __repr__(&self) -> String {
        let ratings: Vec<String> = csops_core::maturity::Capability::ALL
            .iter()
            .map(|c| format!("{:?}: {}", c.id(), self.inner.rating(*c) as u8))
            .collect();
        format!("Maturity({{{}}})", ratings.join(", "))
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyDict>, Bound<'py, PyAny>))> {
        Ok((
            py.import("csops._csops")?.getattr("Maturity")?,
            (self.ratings(py)?, to_py(py, &self.model.foundations)?),
        ))
    }
}

/// Ordered segmentation rules (SPEC §8): account attributes -> CSM team, priority (1-4, 4 =
/// digital only), engagement model and sales segment. The default rules are illustrative.
///
/// `Segmentation(rules=None)`: `rules` is None (the illustrative default), a dict
/// `{"rules": [...]}` or its JSON or TOML text, in the format of `Segmentation().to_dict()`:
/// each rule `{"name", "when": {conditions}, "then": {"team", "priority", "engagement",
/// "sales_segment"}}`, the first that matches deciding. A bad rule set is a `ConfigError`
/// whose `.key` names the key.
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct Segmentation {
    pub(crate) inner: csops_core::segment::Segmentation,
}

#[pymethods]
impl Segmentation {
    /// `rules`: None (the illustrative default), a dict `{"rules": [...]}`, or JSON / TOML text.
    #[new]
    #[pyo3(signature = (rules = None))]
    fn new(py: Python<'_>, rules: Option<&Bound<'_, PyAny>>) -> PyResult<Segmentation> {
        use csops_core::segment::Segmentation as S;
        let inner = match rules.filter(|r| !r.is_none()) {
            None => S::default(),
            Some(r) => document::<S>(r, "rules", |e| core_error(py, e))?,
        };
        Ok(Segmentation { inner })
    }

    /// The segment of one account, as a dict with `account`, `rule`, `team`, `priority`,
    /// `engagement`, `sales_segment`. `account`: a dict `{"id": str, "arr": number, "seats":
    /// int, "public_sector": bool, "region": str}` (`id` and `arr` required); an account no rule
    /// matches is an `InputError` whose `.account` names it.
    fn assign<'py>(
        &self,
        py: Python<'py>,
        account: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a: csops_core::segment::Account = read(py, account, "account")?;
        let s = self.inner.assign(&a).map_err(|e| core_error(py, e))?;
        to_py(py, &s)
    }

    /// The segments of a book. `accounts`: a list of account dicts as `assign` takes them (the
    /// result: a list of dicts as `assign` gives them), or a table exporting Arrow data (a
    /// pyarrow Table, a polars DataFrame, a DuckDB result; columns `id`, `arr`, `seats`,
    /// `public_sector`, `region`; the result: a table of the same kind, one row per account).
    /// The first unmatched account is an `InputError` naming it.
    fn assign_all<'py>(
        &self,
        py: Python<'py>,
        accounts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let arrow = arrow::is_arrow(accounts);
        let book: Vec<csops_core::segment::Account> = if arrow {
            arrow::records(accounts, "accounts")?
        } else {
            read(py, accounts, "accounts")?
        };
        let out = self
            .inner
            .assign_all(&book)
            .map_err(|e| core_error(py, e))?;
        if arrow {
            return arrow::table_of(py, arrow::Kind::of(accounts), &out);
        }
        to_py(py, &out)
    }

    /// The rules, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.inner.rules.iter().map(|r| r.name.as_str()).collect();
        format!("Segmentation(rules={names:?})")
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            py.import("csops._csops")?.getattr("Segmentation")?,
            (serde_json::to_string(&self.inner).unwrap_or_default(),),
        ))
    }
}

/// CSM headcount per team for a segmented book: by accounts per CSM and by weekly cadence,
/// rounded up per team, with the gap to the current headcount. Returns `{"teams": [...]}`, a
/// dict per team (`team`, `accounts`, `digital_only`, `needed_by_ratio`, `needed_by_cadence`,
/// `current`, `gap_by_ratio`, `gap_by_cadence`).
///
/// `assignments`: `Segmentation.assign_all`'s output (a list of dicts, or its Arrow table). `current`: None, or a
/// dict from CSM team ("Strategic", "Growth", "Scale", "PubSec") to its CSMs now. `model`:
/// None (the illustrative assumptions), or a dict of those to replace: `accounts_per_csm` and
/// `calls_per_account_per_week` (each engagement model -> a number),
/// `calls_per_csm_per_week` (a number) and `digital_only_priorities` (a list of priorities).
#[pyfunction]
#[pyo3(signature = (assignments, current = None, model = None))]
pub(crate) fn capacity_plan<'py>(
    py: Python<'py>,
    assignments: &Bound<'py, PyAny>,
    current: Option<&Bound<'py, PyAny>>,
    model: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    use csops_core::segment as s;
    let assignments: Vec<s::Assignment> = if arrow::is_arrow(assignments) {
        arrow::records(assignments, "assignments")?
    } else {
        read(py, assignments, "assignments")?
    };
    let current: std::collections::BTreeMap<s::CsmTeam, u64> = match current {
        Some(c) if !c.is_none() => read(py, c, "current")?,
        _ => std::collections::BTreeMap::new(),
    };
    let model: s::CapacityModel = match model {
        Some(m) if !m.is_none() => read(py, m, "model")?,
        _ => s::CapacityModel::default(),
    };
    to_py(py, &s::capacity_plan(&assignments, &current, &model))
}

/// A customer's journey (SPEC §9): Align → Onboard → Enable → Expand → Renew → Enable, or
/// Churned, moved by dated events; `advance(now)` opens the renewal window and reports missed
/// time-to-value milestones.
///
/// `Journey(account, config=None)` starts in Align. `account`: the account's id (str).
/// `config`: None (the defaults), or a dict with any of `time_to_value`
/// (`{"first_engagement_days": 14, "first_value_days": 30, "onboarding_days": 45}`, counted
/// from the subscription start), `renewal_window_days` (120: the window opens that many days
/// before the renewal date) and `touchpoints` (stage -> engagement model -> list of str).
/// Dates are ISO text ("2026-01-05") or `datetime.date`s; a journey compares and pickles.
#[pyclass(module = "csops._csops")]
#[derive(Clone)]
pub(crate) struct Journey {
    pub(crate) inner: csops_core::journey::Journey,
    pub(crate) config: csops_core::journey::JourneyConfig,
}

#[pymethods]
impl Journey {
    /// A journey in Align. `config`: None (defaults: 14/30/45-day time to value, 120-day renewal
    /// window), or a dict.
    #[new]
    #[pyo3(signature = (account, config = None))]
    fn new(
        py: Python<'_>,
        account: text::Text<'_>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Journey> {
        let config = match config {
            Some(c) if !c.is_none() => read(py, c, "config")?,
            _ => csops_core::journey::JourneyConfig::default(),
        };
        Ok(Journey {
            inner: csops_core::journey::Journey::new(&account),
            config,
        })
    }

    /// Records `event`, which happened on `date` (ISO text "2026-01-05" or a `datetime.date`,
    /// not before the last event), and returns the step as a dict (`date`, `event`, `from`,
    /// `to`). `event`: a dict with a `type` and that type's fields, no others:
    /// `{"type": "contract_signed", "start": date, "renewal": date, "arr": number}`,
    /// `first_engagement`, `first_value`, `onboarding_completed`, `renewal_window_opened`,
    /// `{"type": "expansion", "arr_delta": number}`, `{"type": "renewed", "renewal": date,
    /// "arr": number}`, `{"type": "churned", "reason": str}`. An event the stage does not
    /// allow is an `InputError`.
    fn record<'py>(
        &mut self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let event: csops_core::journey::JourneyEvent = read(py, event, "event")?;
        let date = day(py, date, "date")?;
        let step = self
            .inner
            .record(date, event, &self.config)
            .map_err(|e| core_error(py, e))?;
        to_py(py, &step)
    }

    /// Fires the time-driven steps up to `now` (ISO text "2026-02-20" or a `datetime.date`)
    /// and reports missed milestones: a dict with `steps` (as `record` returns them) and
    /// `misses` (dicts with `milestone`, `due`, `reached`, `days_late`).
    fn advance<'py>(
        &mut self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = day(py, now, "now")?;
        let report = self
            .inner
            .advance(now, &self.config)
            .map_err(|e| core_error(py, e))?;
        to_py(py, &report)
    }

    /// The touchpoints of the current stage for an `engagement` model: "high_touch",
    /// "mid_touch" or "tech_touch".
    fn touchpoints(&self, py: Python<'_>, engagement: text::Text<'_>) -> PyResult<Vec<String>> {
        self.inner
            .touchpoints_named(&engagement, &self.config)
            .map(<[String]>::to_vec)
            .map_err(|e| core_error(py, e))
    }

    /// The account's id.
    #[getter]
    fn account(&self) -> &str {
        self.inner.account()
    }
    /// The stage: "Align", "Onboard", "Enable", "Expand", "Renew" or "Churned".
    #[getter]
    fn stage(&self) -> &'static str {
        self.inner.stage().into()
    }
    /// The ARR now (0 before the contract).
    #[getter]
    fn arr(&self) -> f64 {
        self.inner.arr()
    }
    /// The subscription start, ISO text ("2026-01-05"), or None before the contract.
    #[getter]
    fn start(&self) -> Option<String> {
        self.inner.start().map(|d| d.to_string())
    }
    /// The next renewal date, ISO text, or None before the contract.
    #[getter]
    fn renewal(&self) -> Option<String> {
        self.inner.renewal().map(|d| d.to_string())
    }
    /// Every step, oldest first, as dicts.
    #[getter]
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.history())
    }

    fn __repr__(&self) -> String {
        format!(
            "Journey(account={:?}, stage={:?}, arr={})",
            self.inner.account(),
            <&str>::from(self.inner.stage()),
            self.inner.arr()
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Journey>().is_ok_and(|o| {
            let o = o.borrow();
            o.inner == self.inner && o.config == self.config
        })
    }

    fn __getstate__(&self) -> String {
        serde_json::to_string(&JourneyState {
            journey: self.inner.clone(),
            config: self.config.clone(),
        })
        .unwrap_or_default()
    }

    fn __setstate__(&mut self, py: Python<'_>, state: text::Text<'_>) -> PyResult<()> {
        let s: JourneyState =
            serde_json::from_str(&state).map_err(|e| input_error(py, "state", e.to_string()))?;
        (self.inner, self.config) = (s.journey, s.config);
        Ok(())
    }

    fn __getnewargs__(&self) -> (String,) {
        (self.inner.account().to_owned(),)
    }
}

/// What a pickled `Journey` holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct JourneyState {
    journey: csops_core::journey::Journey,
    config: csops_core::journey::JourneyConfig,
}
