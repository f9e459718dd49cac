//! `Label`, `LabelSet`, `Weight` (SPEC §1, §3).

use csops_core::label::{self as core_label, Taxonomy};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyList};

use crate::*;

/// One parsed label: its text, canonical spelling, workflow state, GitLab scope and family.
///
/// `Label(text)` (or `Label.parse(text)`) reads a label as a tracker spells it, with the
/// default taxonomy: workflow labels in any of their aliases and spellings
/// (`"CS Ops::Awaiting Feedback"`), team and request-source labels, and any other label,
/// kept verbatim. Text that cannot be a label (empty, or only whitespace and `::`) is a
/// `LabelError` whose `.label` is the text.
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct Label {
    /// The label exactly as given.
    #[pyo3(get)]
    pub(crate) text: String,
    /// The canonical spelling ("CSOps::Awaiting Feedback" for "CS Ops::Awaiting Feedback");
    /// the text itself for a label that has no other spelling.
    #[pyo3(get)]
    pub(crate) canonical: String,
    pub(crate) state: Option<&'static str>,
    /// GitLab's scope: the text before the last `::` ("CS Ops"), or None for an unscoped
    /// label.
    #[pyo3(get)]
    pub(crate) scope: Option<String>,
    /// Which kind of label it is: "workflow" (names a state), "unknown_workflow" (of the
    /// workflow scope but naming no state, such as "CSOps::Doing"), "team" (a team or system
    /// label such as "Gainsight"), "source" (a request source such as "CSOps - CSM") or
    /// "other" (any other label, kept verbatim).
    #[pyo3(get)]
    pub(crate) family: &'static str,
}

pub(crate) fn label_of(py: Python<'_>, text: &str, taxonomy: &Taxonomy) -> PyResult<Label> {
    let l = taxonomy.parse(text).map_err(|e| core_error(py, e))?;
    Ok(Label {
        text: l.as_str().to_owned(),
        canonical: l.canonical().to_owned(),
        state: l.state().map(|s| s.as_str()),
        scope: l.scope().map(str::to_owned),
        family: l.family().into(),
    })
}

#[pymethods]
impl Label {
    #[new]
    fn new(py: Python<'_>, text: text::Text<'_>) -> PyResult<Label> {
        label_of(py, &text, Taxonomy::default_ref())
    }

    /// Parses a label with the default taxonomy, as `Label(text)` does: `text` is a label as
    /// the tracker spells it; text that cannot be a label is a `LabelError`.
    #[staticmethod]
    fn parse(py: Python<'_>, text: text::Text<'_>) -> PyResult<Label> {
        label_of(py, &text, Taxonomy::default_ref())
    }

    /// The workflow state the label names ("InProcess"), or None.
    #[getter]
    fn state(&self) -> Option<&'static str> {
        self.state
    }

    fn __repr__(&self) -> String {
        format!("Label.parse({:?})", self.text)
    }

    fn __str__(&self) -> String {
        self.text.clone()
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.text.hash(&mut h);
        h.finish()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            py.import("csops._csops")?.getattr("Label")?,
            (self.text.clone(),),
        ))
    }
}

/// A set of labels with GitLab's scoped-label semantics: adding `scope::value` replaces any
/// other label of that scope.
///
/// `LabelSet(labels=[])`: `labels` is a list of label strings, kept in order; an empty or
/// blank one is a `LabelError`. `in`, `len()` and iteration work on the label strings.
#[pyclass(module = "csops._csops", eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct LabelSet {
    pub(crate) inner: core_label::LabelSet,
}

#[pymethods]
impl LabelSet {
    #[new]
    #[pyo3(signature = (labels = Vec::new()))]
    fn new(py: Python<'_>, labels: Vec<text::OwnedText>) -> PyResult<LabelSet> {
        let inner = core_label::LabelSet::from_iter(labels.into_iter().map(String::from));
        inner.validate().map_err(|e| core_error(py, e))?;
        Ok(LabelSet { inner })
    }

    /// Adds `label` (a label string); returns the labels it displaced (those of the same
    /// scope).
    fn add(&mut self, py: Python<'_>, label: text::Text<'_>) -> PyResult<Vec<String>> {
        let displaced = self.inner.try_add(&label).map_err(|e| core_error(py, e))?;
        Ok(displaced.into_iter().map(String::from).collect())
    }

    /// Removes `label` (matched by its exact spelling); returns whether it was there.
    fn remove(&mut self, label: text::Text<'_>) -> bool {
        self.inner.remove(&label)
    }

    /// The labels, in order.
    #[getter]
    fn labels(&self) -> Vec<&str> {
        text::strs(self.inner.as_slice())
    }

    fn __contains__(&self, label: text::Text<'_>) -> bool {
        self.inner.contains(&label)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyList::new(py, text::strs(self.inner.as_slice()))?
            .into_any()
            .try_iter()
            .map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!("LabelSet({:?})", self.inner.as_slice())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Vec<&str>,))> {
        Ok((
            py.import("csops._csops")?.getattr("LabelSet")?,
            (text::strs(self.inner.as_slice()),),
        ))
    }
}

/// An issue weight: 1, 3, 5 or 7 (SPEC §3), each the upper bound in hours of the work.
///
/// `Weight(value)`: `value` is an int, 1, 3, 5 or 7; another int is an `InputError` (its
/// `.kind` is "invalid_weight"), any other type a `TypeError`. Weights compare, hash and
/// convert with `int()`; `weight_for_hours` turns an estimate into one.
#[pyclass(module = "csops._csops", frozen, eq, ord, hash)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Weight {
    pub(crate) inner: csops_core::Weight,
}

#[pymethods]
impl Weight {
    #[new]
    fn new(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Weight> {
        if value.cast::<PyBool>().is_ok() || value.cast::<PyInt>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "argument 'value': expected int, not {}",
                value.get_type()
            )));
        }
        let v: i64 = value.extract().map_err(|_| {
            input_error(
                py,
                "weight",
                format!("weight {value} is not one of 1, 3, 5, 7"),
            )
        })?;
        csops_core::Weight::try_from(v)
            .map(|inner| Weight { inner })
            .map_err(|e| core_error(py, e))
    }

    /// The weight as an int.
    #[getter]
    fn value(&self) -> u8 {
        self.inner.value()
    }

    /// The upper edge of its range in hours.
    #[getter]
    fn max_hours(&self) -> u32 {
        self.inner.max_hours()
    }

    fn __int__(&self) -> u8 {
        self.inner.value()
    }

    fn __repr__(&self) -> String {
        format!("Weight({})", self.inner.value())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (u8,))> {
        Ok((
            py.import("csops._csops")?.getattr("Weight")?,
            (self.inner.value(),),
        ))
    }
}

/// The smallest weight (1, 3, 5, 7) whose range holds an estimate in hours, as an int.
/// `hours`: a number above 0; more than 7 hours is an `InputError` of `.kind` "needs_epic"
/// (make it an epic), 0 or less an `InputError` of `.kind` "invalid_weight".
#[pyfunction]
pub(crate) fn weight_for_hours(py: Python<'_>, hours: &Bound<'_, PyAny>) -> PyResult<u8> {
    if value_is_bool(hours) {
        return Err(PyTypeError::new_err(
            "argument 'hours': expected a number, not bool",
        ));
    }
    let h: f64 = hours.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "argument 'hours': expected a number, not {}",
            hours.get_type()
        ))
    })?;
    csops_core::weight::weight_for_hours(h)
        .map(|w| w.value())
        .map_err(|e| core_error(py, e))
}

/// GitLab's scope of `label` (a label string): the text before its last `::`, or None.
#[pyfunction]
pub(crate) fn scope(label: text::Text<'_>) -> Option<String> {
    core_label::scope(&label).map(str::to_owned)
}
