//! Configuration: every rule of SPEC §1–§5 that is data — the workflow-label taxonomy and its
//! aliases, the interrupt label, routing, the review policy and the SLA thresholds — with the
//! compiled-in default of the source documents. Loadable from JSON and TOML; every section and
//! field is optional and falls back to the default, and a workflow state listed under
//! `labels.workflow` replaces that state's spellings only.
//!
//! ```
//! use csops_core::Config;
//! let cfg = Config::from_toml(r#"
//!     [sla]
//!     untriaged_days = 5
//!
//!     [labels.workflow.Blocked]
//!     canonical = "CSOps::Blocked"
//!     aliases = ["CSOps::On Hold"]
//! "#).unwrap();
//! assert_eq!(cfg.sla.untriaged_days, 5);
//! assert_eq!(cfg.taxonomy().unwrap().state_of("csops::on-hold"), Some(csops_core::State::Blocked));
//!
//! let err = Config::from_json(r#"{"sla": {"untriaged_dayz": 5}}"#).unwrap_err();
//! assert_eq!(err.key(), "sla.untriaged_dayz");
//! ```
//!
//! The format, with every default:
//!
//! ```toml
//! [labels]
//! interrupt = "CSOps - Interrupt"
//! [labels.workflow.New]          # New has no canonical label
//! aliases = ["CSOps::New"]
//! [labels.workflow.Triage]
//! canonical = "CSOps::Triage"
//! aliases = ["CSOps::Planning"]
//! # … one table per state: NeedMoreInfo, ReadyForAssignment, Unassigned, Backlog, InProcess,
//! # Blocked, AwaitingFeedback, Monitoring, WontDo, Completed
//!
//! [routing]
//! team = [{ label = "CS Programs", workstream = "Digital" }, { label = "Gainsight", workstream = "Gainsight" }]  # …
//! fallback = [{ label = "CSOps - Scale", workstream = "Scale" }]
//!
//! [review]
//! required = ["gainsight_rule", "gainsight_connector", "gainsight_data_object"]
//! recommended = ["report", "dashboard"]
//!
//! [sla]
//! untriaged_days = 7
//! review_due_business_days = 3
//! backlog_horizon_days = 90
//! ```

use crate::document::Document;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::label::{Taxonomy, TaxonomyProblem, WorkflowLabelConfig, default_workflow_labels};
use crate::review::ReviewPolicy;
use crate::routing::RoutingConfig;
use crate::state::State;

/// A configuration that cannot be used: the key it is about and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not valid JSON / TOML, or a value of the wrong shape or type.
    #[error("{format} configuration: {}{message}", crate::words::At(.key))]
    Syntax {
        /// `"JSON"` or `"TOML"`.
        format: &'static str,
        /// The dotted path of the key (`sla.untriaged_days`), or `.` for the document.
        key: String,
        /// What the parser said.
        message: String,
    },
    /// Well-formed, but breaks a rule.
    #[error("configuration: {}{rule}", crate::words::At(.key))]
    Invalid {
        /// The dotted path of the key.
        key: String,
        /// The rule it broke.
        rule: String,
    },
}

impl ConfigError {
    /// The dotted path of the key the error is about.
    pub fn key(&self) -> &str {
        match self {
            ConfigError::Syntax { key, .. } | ConfigError::Invalid { key, .. } => key,
        }
    }
}

/// The label part of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LabelsConfig {
    /// Workflow state → its canonical label and aliases (SPEC §1).
    pub workflow: WorkflowLabelConfig,
    /// The label a start inside the current milestone adds to an interrupt (SPEC §2).
    pub interrupt: String,
}

impl Default for LabelsConfig {
    fn default() -> Self {
        LabelsConfig {
            workflow: default_workflow_labels(),
            interrupt: "CSOps - Interrupt".to_owned(),
        }
    }
}

/// The whole configuration. [`Config::default`] is the source documents' taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Labels (SPEC §1).
    pub labels: LabelsConfig,
    /// Routing of requests to workstreams by label (SPEC §5).
    pub routing: RoutingConfig,
    /// Which change kinds need a peer review (SPEC §4).
    pub review: ReviewPolicy,
    /// SLA thresholds (SPEC §2).
    pub sla: SlaConfig,
}

/// A checked configuration with its compiled taxonomy (what the engine runs on).
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) config: Config,
    pub(crate) taxonomy: Taxonomy,
    /// The interrupt label (`labels.interrupt`), shared by the transitions that add it.
    pub(crate) interrupt: crate::name::Name,
}

static DEFAULT_CONFIG: LazyLock<Config> = LazyLock::new(Config::default);

impl Config {
    /// Parses a JSON configuration, then checks it ([`Config::validate`]).
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        <Config as Document>::from_json(text)
    }

    /// Parses a TOML configuration, then checks it ([`Config::validate`]).
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        <Config as Document>::from_toml(text)
    }

    /// Parses a configuration in either format (JSON when it starts with `{`, else TOML), then
    /// checks it.
    pub fn from_text(text: &str) -> Result<Config, ConfigError> {
        <Config as Document>::from_text(text)
    }

    /// The configuration as JSON (every value, defaults included).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The configuration as TOML (every value, defaults included).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Fills in the default spellings of the workflow states a partial configuration leaves out.
    fn completed(mut self) -> Config {
        for (state, labels) in default_workflow_labels() {
            self.labels.workflow.entry(state).or_insert(labels);
        }
        self
    }

    fn validated(self) -> Result<Config, ConfigError> {
        self.validate()?;
        Ok(self)
    }

    /// Checks every rule a configuration must keep; the error names the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.compile().map(|_| ())
    }

    /// The compiled workflow-label taxonomy of this configuration (an error for a configuration
    /// [`Config::validate`] rejects: its fields are public, so one can be built by hand).
    pub fn taxonomy(&self) -> Result<Taxonomy, ConfigError> {
        self.compile().map(|c| c.taxonomy)
    }

    /// The compiled-in configuration, shared (built once).
    pub fn default_ref() -> &'static Config {
        &DEFAULT_CONFIG
    }

    pub(crate) fn compile(&self) -> Result<Compiled, ConfigError> {
        let invalid = |key: String, rule: String| ConfigError::Invalid { key, rule };
        let taxonomy = Taxonomy::compile(&self.labels.workflow).map_err(|p| match p {
            TaxonomyProblem::MissingCanonical(s) => invalid(
                format!("labels.workflow.{s}.canonical"),
                format!("state {s} needs a canonical label"),
            ),
            TaxonomyProblem::NewHasCanonical => invalid(
                format!("labels.workflow.{}.canonical", State::New),
                "New has no workflow label (a new request carries only `CSOps`); give aliases only"
                    .to_owned(),
            ),
            TaxonomyProblem::NotScoped { state, spelling } => invalid(
                format!("labels.workflow.{state}"),
                format!(
                    "{} is not a scoped label (`scope::value`)",
                    crate::words::Quoted(&spelling)
                ),
            ),
            TaxonomyProblem::Clash {
                state,
                spelling,
                other,
            } => invalid(
                format!("labels.workflow.{state}"),
                format!(
                    "{} matches a label of state {other} too (SPEC §1 matching rule)",
                    crate::words::Quoted(&spelling)
                ),
            ),
        })?;
        if self.labels.interrupt.trim().is_empty() {
            return Err(invalid(
                "labels.interrupt".into(),
                "the interrupt label must not be empty".into(),
            ));
        }
        for (section, rules) in [
            ("team", &self.routing.team),
            ("fallback", &self.routing.fallback),
        ] {
            if let Some(i) = rules.iter().position(|r| r.label.trim().is_empty()) {
                return Err(invalid(
                    format!("routing.{section}[{i}].label"),
                    "a routing label must not be empty".into(),
                ));
            }
        }
        for (key, value) in [
            ("sla.untriaged_days", self.sla.untriaged_days),
            (
                "sla.review_due_business_days",
                self.sla.review_due_business_days,
            ),
            ("sla.backlog_horizon_days", self.sla.backlog_horizon_days),
        ] {
            if value == 0 {
                return Err(invalid(key.into(), "must be at least 1".into()));
            }
        }
        Ok(Compiled {
            config: self.clone(),
            taxonomy,
            interrupt: self.labels.interrupt.as_str().into(),
        })
    }
}

#[cfg(test)]
impl Config {
    /// A configuration built by hand that does not compile: Blocked has no canonical label.
    pub(crate) fn invalid_for_tests() -> Config {
        let mut cfg = Config::default();
        cfg.labels.workflow.insert(
            State::Blocked,
            crate::label::StateLabels {
                canonical: None,
                aliases: vec![],
            },
        );
        cfg
    }
}

impl Document for Config {
    type Raw = Config;
    type Error = ConfigError;

    fn read_error(format: &'static str, key: String, message: String) -> ConfigError {
        ConfigError::Syntax {
            format,
            key,
            message,
        }
    }

    fn checked(raw: Config) -> Result<Config, ConfigError> {
        raw.completed().validated()
    }
}

/// SLA thresholds (configuration; defaults from SPEC §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlaConfig {
    /// A New request untriaged for more than this many days is overdue (weekly review: 7).
    pub untriaged_days: u32,
    /// A review is due this many business days (Mon–Fri) after it was requested, unless the
    /// owner set a due date (3).
    pub review_due_business_days: u32,
    /// Backlog means "not in the next N days" (90); a request in Backlog longer than that is due
    /// for a new look.
    pub backlog_horizon_days: u32,
}

impl Default for SlaConfig {
    fn default() -> Self {
        SlaConfig {
            untriaged_days: 7,
            review_due_business_days: 3,
            backlog_horizon_days: 90,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Workstream;

    #[test]
    fn empty_documents_give_the_default() {
        assert_eq!(Config::from_json("{}").unwrap(), Config::default());
        assert_eq!(Config::from_toml("").unwrap(), Config::default());
    }

    #[test]
    fn json_and_toml_round_trip() {
        let cfg = Config::default();
        assert_eq!(Config::from_json(&cfg.to_json()).unwrap(), cfg);
        assert_eq!(Config::from_toml(&cfg.to_toml()).unwrap(), cfg);
    }

    #[test]
    fn partial_workflow_labels_keep_other_states() {
        let cfg = Config::from_json(
            r#"{"labels": {"workflow": {"InProcess": {"canonical": "CSOps::Doing"}}}}"#,
        )
        .unwrap();
        let t = cfg.taxonomy().unwrap();
        assert_eq!(t.state_of("CSOps::Doing"), Some(State::InProcess));
        assert_eq!(t.state_of("CSOps::In_Process"), None);
        assert_eq!(t.state_of("CSOps::Triage"), Some(State::Triage));
        assert_eq!(t.canonical(State::InProcess), Some("CSOps::Doing"));
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (r#"{"sla": {"untriaged_days": -1}}"#, "sla.untriaged_days"),
            (r#"{"sla": {"untriaged_days": 0}}"#, "sla.untriaged_days"),
            (r#"{"colour": 1}"#, "colour"),
            (
                r#"{"routing": {"team": [{"label": "X", "workstream": "Support"}]}}"#,
                "routing.team[0].workstream",
            ),
            (
                r#"{"routing": {"fallback": [{"label": " ", "workstream": "Scale"}]}}"#,
                "routing.fallback[0].label",
            ),
            (
                r#"{"review": {"required": ["gainsight"]}}"#,
                "review.required[0]",
            ),
            (
                r#"{"labels": {"workflow": {"Doing": {}}}}"#,
                "labels.workflow",
            ),
            (
                r#"{"labels": {"workflow": {"Blocked": {"aliases": ["x"]}}}}"#,
                "labels.workflow.Blocked.canonical",
            ),
            (
                r#"{"labels": {"workflow": {"Blocked": {"canonical": "CSOps::Triage"}}}}"#,
                "labels.workflow.Blocked",
            ),
            (
                r#"{"labels": {"workflow": {"New": {"canonical": "CSOps::New"}}}}"#,
                "labels.workflow.New.canonical",
            ),
            (r#"{"labels": {"interrupt": ""}}"#, "labels.interrupt"),
        ];
        for (json, key) in cases {
            let e = Config::from_json(json).unwrap_err();
            assert!(
                e.key().starts_with(key),
                "{json}: got key {:?} ({e})",
                e.key()
            );
        }
        let e = Config::from_json("{").unwrap_err();
        assert!(
            matches!(e, ConfigError::Syntax { format: "JSON", .. }),
            "{e}"
        );
    }

    #[test]
    fn toml_errors_name_the_key() {
        let e = Config::from_toml("[sla]\nuntriaged_days = \"seven\"").unwrap_err();
        assert_eq!(e.key(), "sla.untriaged_days");
        let e = Config::from_toml("[sla\n").unwrap_err();
        assert!(matches!(e, ConfigError::Syntax { format: "TOML", .. }));
        let e = Config::from_toml("[[routing.team]]\nlabel = \"X\"\nworkstream = \"Nope\"")
            .unwrap_err();
        assert_eq!(e.key(), "routing.team[0].workstream");
    }

    #[test]
    fn a_hand_built_invalid_config_has_no_taxonomy() {
        let cfg = Config::invalid_for_tests();
        assert_eq!(
            cfg.taxonomy().unwrap_err().key(),
            "labels.workflow.Blocked.canonical"
        );
    }

    #[test]
    fn routing_is_replaceable() {
        let cfg = Config::from_toml(
            "[routing]\nteam = [{ label = \"Data\", workstream = \"Analytics\" }]\nfallback = []",
        )
        .unwrap();
        assert_eq!(
            cfg.routing.route(["Data"]).workstream(),
            Some(Workstream::Analytics)
        );
        assert_eq!(cfg.routing.route(["CS Programs"]).workstream(), None);
    }
}
