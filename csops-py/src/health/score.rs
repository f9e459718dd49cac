//! `HealthScore`: one account's score, band and explanation.

use pyo3::prelude::*;

use csops_core::health::{self as core};

use crate::*;

/// One account's health score, with its explanation.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct HealthScore {
    pub(crate) inner: core::HealthScore,
}

#[pymethods]
impl HealthScore {
    /// The scorecard that made the score: a dict with `name`, `version` and `hash`.
    #[getter]
    fn scorecard<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.scorecard)
    }
    /// The score shown (None: Unknown).
    #[getter]
    fn score(&self) -> Option<f64> {
        self.inner.score
    }
    /// The band shown ("Unknown" when there is none).
    #[getter]
    fn band(&self) -> &str {
        &self.inner.band
    }
    /// The computed score (before an override).
    #[getter]
    fn computed_score(&self) -> Option<f64> {
        self.inner.computed_score
    }
    /// The computed band (after hysteresis and vetoes, before an override).
    #[getter]
    fn computed_band(&self) -> &str {
        &self.inner.computed_band
    }
    /// The share of the nominal weight with present values (0-1).
    #[getter]
    fn coverage(&self) -> f64 {
        self.inner.coverage
    }
    /// Every measure's part: dicts with measure, group, status, value, measure_score, weight,
    /// points, lost.
    #[getter]
    fn contributions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.contributions)
    }
    /// Every group's part: dicts with group, score, weight, points.
    #[getter]
    fn groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.groups)
    }
    /// The measures whose vetoes fired.
    #[getter]
    fn vetoes(&self) -> Vec<String> {
        self.inner.vetoes.clone()
    }
    /// The measures whose values were stale.
    #[getter]
    fn stale(&self) -> Vec<String> {
        self.inner.stale.clone()
    }
    /// "up", "same", "down", or None.
    #[getter]
    fn trend(&self) -> Option<&'static str> {
        self.inner.trend.map(Into::into)
    }
    /// `(from, to)` when the band changed against the previous one.
    #[getter]
    fn band_change(&self) -> Option<(String, String)> {
        self.inner
            .band_change
            .as_ref()
            .map(|c| (c.from.clone(), c.to.clone()))
    }
    /// Why the score is Unknown (a dict with `reason`), or None.
    #[getter]
    fn unknown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.unknown)
    }
    /// The override that applied, as a dict, or None.
    #[getter]
    fn r#override<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.override_)
    }
    /// The first `n` reasons behind the score (3 by default), most important first: vetoes,
    /// then points lost, in words.
    #[pyo3(signature = (n = 3))]
    fn reasons(&self, n: usize) -> Vec<String> {
        self.inner.reasons(n)
    }
    /// Everything, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }
    /// A HealthScore from JSON `text`, `to_dict()`'s output as JSON (pickling uses it).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: crate::text::Text<'_>) -> PyResult<HealthScore> {
        serde_json::from_str(&text)
            .map(|inner| HealthScore { inner })
            .map_err(|e| input_error(py, "score", format!("score: {e}")))
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<HealthScore>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        let score = self
            .inner
            .score
            .map_or("None".to_owned(), |s| format!("{s:?}"));
        format!(
            "HealthScore(score={score}, band={:?}, coverage={:?})",
            self.inner.band, self.inner.coverage
        )
    }
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            py.import("csops._csops")?
                .getattr("HealthScore")?
                .getattr("from_json")?,
            (serde_json::to_string(&self.inner).unwrap_or_default(),),
        ))
    }
}
