//! The display vocabulary (`csops_core::display`): titles of names and durations in days.

use pyo3::prelude::*;

use crate::*;

/// The display title of a name of csops's vocabulary, as reports and messages show it: a state
/// (``"InProcess"`` → ``"In Process"``), a workstream (``"ROPS"`` → ``"Renewal Ops"``), an
/// engagement model (``"tech_touch"`` → ``"Tech touch"``) or a sales segment. Data keeps the
/// names; ``title`` is for what a person reads (``df["state"].map(csops.title)``). An unknown
/// name is an ``InputError`` listing the vocabularies.
#[pyfunction]
pub(crate) fn title(py: Python<'_>, name: text::Text<'_>) -> PyResult<&'static str> {
    csops_core::display::title(&name).ok_or_else(|| {
        input_error(
            py,
            "name",
            csops_core::bounded_message(format!(
                "{:?} is not {} (see csops.STATES, csops.WORKSTREAMS)",
                &*name,
                csops_core::display::VOCABULARIES
            )),
        )
    })
}

/// A duration in hours as reports show it: days with one decimal (``137.0`` → ``"5.7 days"``,
/// ``24.0`` → ``"1.0 day"``). Data keeps hours; this is for what a person reads.
#[pyfunction]
pub(crate) fn days(hours: f64) -> String {
    csops_core::display::days(hours)
}

/// The time ``text`` gives as a person types one for "as of" (``--as-of`` of the command
/// line): RFC 3339 with a zone (``"2026-03-16T09:00:00Z"``), a date and time without a zone
/// (UTC), or a date alone (its start, UTC); an aware ``datetime`` in UTC. Anything else is an
/// ``InputError`` saying what a time looks like.
#[pyfunction]
pub(crate) fn parse_instant<'py>(
    py: Python<'py>,
    text: text::Text<'_>,
) -> PyResult<Bound<'py, PyAny>> {
    let t = csops_core::sla::parse_instant(&text)
        .map_err(|e| input_error(py, "text", e.to_string()))?;
    py_datetime(py, t)
}
