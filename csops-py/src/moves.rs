//! The questions the transition table answers about states (SPEC §2): how a request gets from
//! one state to another. (What a person may do now is `Workflow.choices`.)

use csops_core::workflow as core_wf;
use pyo3::prelude::*;

use crate::*;

/// The shortest sequence of moves from the state `from_state` to `to_state` (names of
/// `csops.STATES`; SPEC §2 "How does a request get there?"): a list of dicts (`command`,
/// `from`, `to`), `[]` when they are the same state, None when the table has no way.
#[pyfunction]
pub(crate) fn shortest_path<'py>(
    py: Python<'py>,
    from_state: &str,
    to_state: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let (from, to) = (state_named(py, from_state)?, state_named(py, to_state)?);
    to_py(py, &core_wf::shortest_path(from, to))
}

/// Every simple path (no state twice) from `from_state` to `to_state`, shortest first: a list
/// of paths as `shortest_path` gives one (for generating tests of one's own configuration).
#[pyfunction]
pub(crate) fn simple_paths<'py>(
    py: Python<'py>,
    from_state: &str,
    to_state: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let (from, to) = (state_named(py, from_state)?, state_named(py, to_state)?);
    to_py(py, &core_wf::simple_paths(from, to))
}
