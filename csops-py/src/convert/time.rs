//! Times and dates: RFC 3339 text or an aware `datetime`, ISO dates or `date`.

use chrono::{DateTime, SecondsFormat, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::*;

/// A `datetime` whose tzinfo is `datetime.timezone.utc` (the usual case), read from its fields
/// through the datetime C API (no attribute lookups, no method call); `None` for any other
/// object or zone.
pub(crate) fn utc_fields(obj: &Bound<'_, PyAny>) -> PyResult<Option<DateTime<Utc>>> {
    use pyo3::types::{PyDateAccess, PyDateTime, PyTimeAccess, PyTzInfo, PyTzInfoAccess};
    let Ok(dt) = obj.cast::<PyDateTime>() else {
        return Ok(None);
    };
    // Another zone, or naive: the general path decides.
    let utc = PyTzInfo::utc(obj.py())?;
    if !dt.get_tzinfo().is_some_and(|tz| tz.is(&*utc)) {
        return Ok(None);
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        dt.get_year(),
        u32::from(dt.get_month()),
        u32::from(dt.get_day()),
    );
    let time = chrono::NaiveTime::from_hms_micro_opt(
        u32::from(dt.get_hour()),
        u32::from(dt.get_minute()),
        u32::from(dt.get_second()),
        dt.get_microsecond(),
    );
    Ok(date.zip(time).map(|(d, t)| d.and_time(t).and_utc()))
}

/// An aware `datetime` as UTC, from its POSIX timestamp rounded to the microsecond (a
/// `datetime` holds no finer time); both calls are C-level on `datetime`.
pub(crate) fn aware_datetime(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DateTime<Utc>> {
    match utc_fields(obj)? {
        Some(t) => Ok(t),
        None => offset_datetime(obj, name),
    }
}

/// A `datetime` that `utc_fields` did not read: any zone, through its offset and timestamp.
pub(crate) fn offset_datetime(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DateTime<Utc>> {
    if obj.call_method0("utcoffset")?.is_none() {
        return Err(input_error(
            obj.py(),
            name,
            format!("{name} must be timezone-aware (naive datetimes have no instant)"),
        ));
    }
    let seconds: f64 = obj.call_method0("timestamp")?.extract()?;
    let micros = (seconds * 1e6).round();
    DateTime::from_timestamp_micros(micros as i64)
        .filter(|_| micros.is_finite())
        .ok_or_else(|| {
            input_error(
                obj.py(),
                name,
                format!("{name}: {seconds} s is out of range"),
            )
        })
}

/// `at`: RFC 3339 text or an aware `datetime`.
pub(crate) fn instant(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DateTime<Utc>> {
    if let Ok(s) = obj.cast::<PyString>() {
        let s = crate::text::str_of(s, name)?;
        csops_core::sla::parse_time(s)
            .map_err(|e| input_error(obj.py(), name, format!("{name}: {e}")))
    } else if let Some(t) = utc_fields(obj)? {
        Ok(t)
    } else if obj.hasattr("utcoffset")? && obj.hasattr("isoformat")? {
        offset_datetime(obj, name)
    } else {
        Err(PyTypeError::new_err(format!(
            "argument '{name}': expected str (RFC 3339) or datetime, not {}",
            obj.get_type()
        )))
    }
}

pub(crate) fn py_datetime<'py>(py: Python<'py>, t: DateTime<Utc>) -> PyResult<Bound<'py, PyAny>> {
    py.import("datetime")?.getattr("datetime")?.call_method1(
        "fromisoformat",
        (t.to_rfc3339_opts(SecondsFormat::AutoSi, false),),
    )
}

/// A calendar date: ISO text ("2026-01-05") or a `datetime.date`.
pub(crate) fn day(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<chrono::NaiveDate> {
    let text: String = if let Ok(s) = obj.cast::<PyString>() {
        crate::text::str_of(s, name)?.to_owned()
    } else if obj.hasattr("isoformat")? && !obj.hasattr("hour")? {
        obj.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "argument '{name}': expected a date or ISO date str, not {}",
            obj.get_type()
        )));
    };
    csops_core::sla::parse_date(&text).map_err(|e| input_error(py, name, format!("{name}: {e}")))
}
