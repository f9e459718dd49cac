//! A scorecard's identity (SPEC §10): its name, its version and a content hash of its
//! canonical form, so that a stored score always says which definition made it.
//!
//! The canonical form keeps exactly what changes a result and drops what does not:
//!
//! - kept: measure and group ids and their order (the explanation's order, the batch
//!   columns' names), schemes, missing policies, time-to-live, bands, the edge rule, the
//!   coverage minimum, hysteresis, the trend threshold, vetoes and segment profiles;
//! - normalised: weights (each measure's share of its group, each group's share of the whole,
//!   to 12 significant digits, since only ratios score: weights 1 / 1 and 50 / 50 hash alike),
//!   category names (matched ignoring ASCII case, so lower-cased), the order of vetoes, of
//!   not-applicable lists and of `other_segments` (none of them changes a result), defaults
//!   (written or left out, the same), and numbers (`50` in TOML and `50.0` in JSON are one
//!   `f64`);
//! - dropped: the name, the version and display names (they are the identity's other parts,
//!   or labels), the file's format, layout, comments and key order.
//!
//! The hash is the SHA-256 of the canonical form's JSON text, in lower-case hex.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{MissingPolicy, Scheme, ScorecardSpec, VetoWhen};

/// Which scorecard made a score: name, version and content hash.
///
/// ```
/// use csops_core::health::Scorecard;
/// let json = r#"{"name": "pilot", "version": "2",
///   "groups": [{"id": "product", "weight": 1, "measures": [
///     {"id": "license_utilization", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
///   "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Green", "from": 50, "to": 100}]}"#;
/// let toml = r#"
/// name = "pilot"
/// version = "2"
/// [[groups]]
/// id = "product"
/// weight = 40            # only ratios score: 40 here and 1 above hash alike
/// [[groups.measures]]
/// id = "license_utilization"
/// weight = 7
/// scheme = { type = "linear", worst = 0, best = 100 }
/// [[bands]]
/// name = "Red"
/// from = 0
/// to = 50
/// [[bands]]
/// name = "Green"
/// from = 50
/// to = 100
/// "#;
/// let a = Scorecard::from_json(json)?;
/// let b = Scorecard::from_toml(toml)?;
/// assert_eq!(a.identity(), b.identity());
/// assert_eq!(a.identity().version, "2");
/// assert_eq!(a.identity().hash.len(), 64);
/// // A changed number that scores differently hashes differently.
/// let c = Scorecard::from_json(&json.replace(r#""to": 50}"#, r#""to": 60}"#)
///     .replace(r#""from": 50"#, r#""from": 60"#))?;
/// assert_ne!(a.identity().hash, c.identity().hash);
/// # Ok::<(), csops_core::health::HealthError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Identity {
    /// The scorecard's name (`""` when it has none).
    pub name: String,
    /// Its version (`""` when it has none).
    pub version: String,
    /// SHA-256 of its canonical form, 64 lower-case hex digits.
    pub hash: String,
}

impl Identity {
    /// The identity of a scorecard as written (its hash is of [`canonical`]).
    pub(crate) fn of(spec: &ScorecardSpec) -> Identity {
        let text = canonical(spec).to_string();
        let digest = Sha256::digest(text.as_bytes());
        let mut hash = String::with_capacity(64);
        for b in digest {
            hash.push_str(&format!("{b:02x}"));
        }
        Identity {
            name: spec.name.clone().unwrap_or_default(),
            version: spec.version.clone().unwrap_or_default(),
            hash,
        }
    }

    /// The hash's first 12 digits, for display (as a short commit id is).
    pub fn short_hash(&self) -> &str {
        self.hash.get(..12).unwrap_or(&self.hash)
    }
}

impl std::fmt::Display for Identity {
    /// `name version (hash12)`, leaving out what is empty.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut words: Vec<&str> = [self.name.as_str(), self.version.as_str()]
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            words.push("scorecard");
        }
        write!(f, "{} ({})", words.join(" "), self.short_hash())
    }
}

/// A share to 12 significant digits (ratios computed from different weights that are equal in
/// decimal compare equal).
fn share(part: f64, whole: f64) -> f64 {
    let x = part / whole;
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// The canonical form of a scorecard (see the module's documentation).
pub(crate) fn canonical(spec: &ScorecardSpec) -> Value {
    let total: f64 = spec.groups.iter().map(|g| g.weight).sum();
    let groups: Vec<Value> = spec
        .groups
        .iter()
        .map(|g| {
            let in_group: f64 = g.measures.iter().map(|m| m.weight).sum();
            let measures: Vec<Value> = g
                .measures
                .iter()
                .map(|m| {
                    json!({
                        "id": m.id,
                        "weight": share(m.weight, in_group),
                        "scheme": scheme(&m.scheme),
                        "missing": <&str>::from(m.missing),
                        "neutral_score": (m.missing == MissingPolicy::Neutral).then_some(m.neutral_score),
                        "ttl_days": m.ttl_days,
                    })
                })
                .collect();
            json!({"id": g.id, "weight": share(g.weight, total), "measures": measures})
        })
        .collect();
    let mut vetoes: Vec<Value> = spec
        .vetoes
        .iter()
        .map(|v| {
            let when = match &v.when {
                VetoWhen::Category(c) => json!({"category": c.to_ascii_lowercase()}),
                VetoWhen::Below(x) => json!({"below": x}),
                VetoWhen::AtLeast(x) => json!({"at_least": x}),
            };
            json!({"measure": v.measure, "when": when, "band": v.band})
        })
        .collect();
    vetoes.sort_by_cached_key(Value::to_string);
    vetoes.dedup();
    let segments: serde_json::Map<String, Value> = spec
        .segments
        .iter()
        .map(|(name, p)| (name.clone(), json!(sorted(&p.not_applicable))))
        .collect();
    json!({
        "groups": groups,
        "bands": spec.bands.iter().map(|b| json!([b.name, b.from, b.to])).collect::<Vec<_>>(),
        "band_edges": spec.band_edges.to_string(),
        "coverage_min": spec.coverage_min,
        "hysteresis": spec.hysteresis,
        "trend_threshold": spec.trend_threshold,
        "vetoes": vetoes,
        "segments": segments,
        "other_segments": sorted(&spec.other_segments),
    })
}

fn sorted(words: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = words.iter().map(String::as_str).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn scheme(s: &Scheme) -> Value {
    match s {
        Scheme::Linear { worst, best } => json!({"linear": [worst, best]}),
        Scheme::Thresholds {
            edges,
            scores,
            edge,
        } => json!({"thresholds": {"edges": edges, "scores": scores, "edge": edge.to_string()}}),
        Scheme::Categories { categories } => json!({"categories": categories
            .iter()
            .map(|c| json!([c.value.to_ascii_lowercase(), c.score]))
            .collect::<Vec<_>>()}),
    }
}
