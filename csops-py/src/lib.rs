//! `csops._csops`: the Python binding of csops-core. It converts types and errors and nothing
//! else; every rule lives in csops-core. The public package is `csops` (python/csops), which
//! re-exports these names.
//!
//! One module per concept, as the core has them: `workflow` (`Workflow`), `request`
//! (`Request`), `transition` (`Transition`), `labels` (`Label`, `LabelSet`, `Weight`),
//! `metrics`, `customer` (maturity, segmentation, capacity, journey), `health`,
//! `gitlab`, `display` (titles and days); `errors` holds the exceptions and `core_error`, the
//! one conversion of the core's errors; `convert` the conversions (the serde deserializer every
//! Python value reaches the core through, documents as dicts or text, results serialized
//! straight to Python values, time, text, arrays). A function converts its arguments, calls the
//! core once and converts the result or the error. This root only
//! declares the modules, re-exports their items (so that a module names its siblings' items
//! with `use crate::*`) and registers the Python names. A new capability is a module here and
//! a line of `_csops` below.

use pyo3::prelude::*;
use strum_free::*;

/// The pyclasses that hold a core result (`inner`): they convert to a dict or JSON text,
/// compare, and pickle through the core type's own JSON. `$extra` are the class's own methods.
macro_rules! core_backed {
    ($ty:ident, $what:literal, { $($extra:tt)* }) => {
        #[pymethods]
        impl $ty {
            #[staticmethod]
            fn _from_json(py: Python<'_>, text: crate::text::Text<'_>) -> PyResult<$ty> {
                serde_json::from_str(&text)
                    .map(|inner| $ty { inner })
                    .map_err(|e| input_error(py, $what, e.to_string()))
            }

            /// As a dict.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                to_py(py, &self.inner)
            }

            /// As JSON text.
            fn to_json(&self) -> String {
                serde_json::to_string(&self.inner).unwrap_or_default()
            }

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other.cast::<$ty>().is_ok_and(|o| o.get().inner == self.inner)
            }

            fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                Ok((
                    py.import("csops._csops")?
                        .getattr(stringify!($ty))?
                        .getattr("_from_json")?,
                    (self.to_json(),),
                ))
            }

            $($extra)*
        }
    };
}

mod convert;
mod customer;
mod display;
mod errors;
mod gitlab;
mod health;
mod labels;
mod metrics;
mod moves;
mod request;
mod transition;
mod workflow;

pub(crate) use convert::*;
pub(crate) use customer::*;
pub(crate) use display::*;
pub(crate) use errors::*;
pub(crate) use labels::*;
pub(crate) use metrics::*;
pub(crate) use request::*;
pub(crate) use transition::*;
pub(crate) use workflow::*;

/// Names of enums as lists (kept in the module so that the Python mirrors can be checked).
mod strum_free {
    pub use csops_core::State;
    pub use csops_core::workflow::{CommandKind, RejectionKind};
}

/// The csops version, as `csops.__version__` gives it ("0.2.0").
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The names of every variant of an enum, in declaration order.
fn names<T: strum::VariantArray + Copy>(name: fn(T) -> &'static str) -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| name(*v)).collect()
}

#[pymodule]
fn _csops(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Workflow>()?;
    m.add_class::<Request>()?;
    m.add_class::<Transition>()?;
    m.add_class::<Label>()?;
    m.add_class::<LabelSet>()?;
    m.add_class::<Weight>()?;
    m.add_class::<Maturity>()?;
    m.add_class::<Segmentation>()?;
    m.add_class::<Journey>()?;
    m.add_class::<health::Scorecard>()?;
    m.add_class::<health::HealthScore>()?;
    m.add_class::<health::Backtest>()?;
    m.add_class::<health::BookReport>()?;
    m.add_class::<health::Comparison>()?;
    m.add_class::<health::WeightSuggestion>()?;
    m.add_class::<gitlab::Issues>()?;
    m.add_class::<gitlab::LabelEvent>()?;
    m.add_class::<gitlab::Violation>()?;
    m.add_class::<gitlab::Reconstruction>()?;
    m.add_class::<gitlab::IssueHook>()?;
    m.add_class::<gitlab::WebhookDecision>()?;
    m.add_class::<gitlab::BoardReport>()?;
    m.add_class::<gitlab::AuditRun>()?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_issue, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_issues, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_label_events, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_reconstruct, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_reconstruct_all, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_audit, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_check_issue, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::board_report, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_sync, m)?)?;
    m.add_function(wrap_pyfunction!(capacity_plan, m)?)?;
    m.add_function(wrap_pyfunction!(weight_for_hours, m)?)?;
    m.add_function(wrap_pyfunction!(moves::shortest_path, m)?)?;
    m.add_function(wrap_pyfunction!(moves::simple_paths, m)?)?;
    m.add_function(wrap_pyfunction!(scope, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(title, m)?)?;
    m.add_function(wrap_pyfunction!(display::parse_instant, m)?)?;
    m.add_function(wrap_pyfunction!(days, m)?)?;
    m.add_function(wrap_pyfunction!(nps, m)?)?;
    m.add_function(wrap_pyfunction!(csat, m)?)?;
    m.add_function(wrap_pyfunction!(nrr, m)?)?;
    m.add_function(wrap_pyfunction!(grr, m)?)?;
    m.add_function(wrap_pyfunction!(logo_churn, m)?)?;
    m.add_function(wrap_pyfunction!(license_utilization, m)?)?;
    m.add_function(wrap_pyfunction!(smau, m)?)?;
    m.add("CsopsError", py.get_type::<CsopsError>())?;
    m.add("LabelError", py.get_type::<LabelError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("TransitionRejected", py.get_type::<TransitionRejected>())?;
    m.add("SyncError", py.get_type::<SyncError>())?;
    rejection_properties(py)?;
    m.add_class::<Rejection>()?;
    use csops_core::routing::Workstream;
    m.add("STATES", names(State::as_str))?;
    m.add("REJECTION_KINDS", names(RejectionKind::as_str))?;
    m.add("COMMAND_TYPES", names(CommandKind::as_str))?;
    m.add("WORKSTREAMS", names(Workstream::as_str))?;
    m.add("UNKNOWN_BAND", csops_core::health::UNKNOWN)?;
    m.add(
        "CAPABILITIES",
        csops_core::maturity::Capability::ALL
            .iter()
            .map(|c| c.id())
            .collect::<Vec<_>>(),
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
