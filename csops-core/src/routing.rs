//! Workstreams and routing (SPEC §5): a request without a workstream is routed by its labels,
//! team/system labels first, then the fallback labels (`CSOps - Scale`).
//!
//! ```
//! use csops_core::routing::{Route, RoutingConfig, Workstream};
//! let routing = RoutingConfig::default();
//! assert_eq!(routing.route(["CSOps", "Gainsight: Bug"]), Route::Routed(Workstream::Gainsight));
//! assert_eq!(routing.route(["CSOps", "CSOps - Scale"]), Route::Routed(Workstream::Scale));
//! assert!(matches!(routing.route(["CS Programs", "CS Analytics"]), Route::Conflict(_)));
//! assert_eq!(routing.route(["CSOps"]), Route::NoMatch);
//! ```

use serde::{Deserialize, Serialize};
use strum::{Display, EnumCount, EnumString, IntoStaticStr, VariantArray};

/// A CS Ops workstream; each has one lead (SPEC §5).
///
/// Names are the conformance vectors' (`"ProductUsageReporting"`); parsing also accepts the
/// handbook's titles (`"Product Usage Reporting"`, `"Renewal Ops"`, `"Technical Writing"`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    EnumCount,
    IntoStaticStr,
    VariantArray,
)]
pub enum Workstream {
    /// Digital programs.
    Digital,
    /// Gainsight administration.
    Gainsight,
    /// The Scale segment.
    Scale,
    /// Renewal Ops.
    #[strum(
        to_string = "ROPS",
        serialize = "Renewal Ops",
        serialize = "RenewalOps"
    )]
    #[serde(rename = "ROPS", alias = "Renewal Ops", alias = "RenewalOps")]
    Rops,
    /// Product usage reporting.
    #[strum(
        to_string = "ProductUsageReporting",
        serialize = "Product Usage Reporting"
    )]
    #[serde(alias = "Product Usage Reporting")]
    ProductUsageReporting,
    /// Customer Success analytics.
    Analytics,
    /// CS Ops technical writing.
    #[strum(to_string = "TechnicalWriting", serialize = "Technical Writing")]
    #[serde(alias = "Technical Writing")]
    TechnicalWriting,
}

impl Workstream {
    /// The name used in data (`"ROPS"`, `"ProductUsageReporting"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The handbook's title (`"Renewal Ops"`, `"Product Usage Reporting"`).
    pub const fn title(self) -> &'static str {
        match self {
            Workstream::Digital => "Digital",
            Workstream::Gainsight => "Gainsight",
            Workstream::Scale => "Scale",
            Workstream::Rops => "Renewal Ops",
            Workstream::ProductUsageReporting => "Product Usage Reporting",
            Workstream::Analytics => "Analytics",
            Workstream::TechnicalWriting => "Technical Writing",
        }
    }

    /// Parses a name or title; the error lists the known workstreams.
    pub fn parse(name: &str) -> Result<Workstream, UnknownWorkstream> {
        name.parse().map_err(|_| UnknownWorkstream {
            name: name.to_owned(),
        })
    }
}

/// A workstream name that is not one of the known workstreams.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown workstream {}: expected one of Digital, Gainsight, Scale, ROPS, ProductUsageReporting, Analytics, TechnicalWriting",
    crate::words::Quoted(.name)
)]
pub struct UnknownWorkstream {
    /// The name given.
    pub name: String,
}

/// One routing rule: requests carrying `label` go to `workstream`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteRule {
    /// The label (exact GitLab title).
    pub label: String,
    /// Where it routes.
    pub workstream: Workstream,
}

/// The routing table (configuration). The default is SPEC §5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingConfig {
    /// Team / system labels. Two that point to different workstreams make a request unroutable.
    pub team: Vec<RouteRule>,
    /// Labels consulted only when no team label routes, first match wins.
    pub fallback: Vec<RouteRule>,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        let rule = |label: &str, workstream| RouteRule {
            label: label.to_owned(),
            workstream,
        };
        RoutingConfig {
            team: vec![
                rule("CS Programs", Workstream::Digital),
                rule("Gainsight", Workstream::Gainsight),
                rule("Gainsight: Bug", Workstream::Gainsight),
                rule("Gainsight: Feature Request", Workstream::Gainsight),
                rule("CS RenewalOps", Workstream::Rops),
                rule(
                    "CS Product Usage Reporting",
                    Workstream::ProductUsageReporting,
                ),
                rule("CS Analytics", Workstream::Analytics),
                rule("CS Ops Technical Writing", Workstream::TechnicalWriting),
            ],
            fallback: vec![rule("CSOps - Scale", Workstream::Scale)],
        }
    }
}

/// The outcome of routing a request by its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "workstreams")]
pub enum Route {
    /// Exactly one workstream.
    Routed(Workstream),
    /// Team labels point to different workstreams: no workstream until a triage names one.
    Conflict(Vec<Workstream>),
    /// No label routes the request.
    NoMatch,
}

impl Route {
    /// The workstream, when routed.
    pub fn workstream(&self) -> Option<Workstream> {
        match self {
            Route::Routed(w) => Some(*w),
            _ => None,
        }
    }
}

impl RoutingConfig {
    /// Routes a request by its labels (SPEC §5).
    pub fn route<'a, I>(&self, labels: I) -> Route
    where
        I: IntoIterator<Item = &'a str>,
    {
        let labels: Vec<&str> = labels.into_iter().collect();
        let mut found: Vec<Workstream> = Vec::new();
        for rule in &self.team {
            if labels.contains(&rule.label.as_str()) && !found.contains(&rule.workstream) {
                found.push(rule.workstream);
            }
        }
        match found.as_slice() {
            [one] => Route::Routed(*one),
            [] => self
                .fallback
                .iter()
                .find(|r| labels.contains(&r.label.as_str()))
                .map_or(Route::NoMatch, |r| Route::Routed(r.workstream)),
            _ => Route::Conflict(found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_mapping_is_spec_section_5() {
        let r = RoutingConfig::default();
        let cases = [
            ("CS Programs", Workstream::Digital),
            ("Gainsight", Workstream::Gainsight),
            ("Gainsight: Bug", Workstream::Gainsight),
            ("Gainsight: Feature Request", Workstream::Gainsight),
            ("CS RenewalOps", Workstream::Rops),
            (
                "CS Product Usage Reporting",
                Workstream::ProductUsageReporting,
            ),
            ("CS Analytics", Workstream::Analytics),
            ("CS Ops Technical Writing", Workstream::TechnicalWriting),
            ("CSOps - Scale", Workstream::Scale),
        ];
        for (label, ws) in cases {
            assert_eq!(r.route(["CSOps", label]), Route::Routed(ws), "{label}");
        }
    }

    #[test]
    fn team_labels_win_over_scale_and_conflicts_are_unroutable() {
        let r = RoutingConfig::default();
        assert_eq!(
            r.route(["CSOps - Scale", "CS Analytics"]),
            Route::Routed(Workstream::Analytics)
        );
        assert_eq!(
            r.route(["Gainsight", "Gainsight: Bug"]),
            Route::Routed(Workstream::Gainsight)
        );
        assert_eq!(
            r.route(["CS RenewalOps", "Gainsight"]),
            Route::Conflict(vec![Workstream::Gainsight, Workstream::Rops])
        );
        assert_eq!(r.route(["CS RenewalOps", "Gainsight"]).workstream(), None);
        assert_eq!(r.route(Vec::<&str>::new()), Route::NoMatch);
    }

    #[test]
    fn workstream_names_and_titles() {
        for w in Workstream::VARIANTS {
            assert_eq!(Workstream::parse(w.as_str()), Ok(*w));
            assert_eq!(Workstream::parse(w.title()), Ok(*w));
            let json = serde_json::to_string(w).unwrap();
            assert_eq!(json, format!("\"{}\"", w.as_str()));
            assert_eq!(serde_json::from_str::<Workstream>(&json).unwrap(), *w);
        }
        let e = Workstream::parse("Support").unwrap_err();
        assert!(e.to_string().contains("\"Support\""));
    }
}
