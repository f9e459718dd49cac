//! The CS Ops maturity assessment (SPEC §12): the 15 capabilities of source `003_…` in three
//! stages, each rated 0–3, and a report — per-stage completion, the highest stage whose
//! capabilities are all at least established, the weakest capabilities, and capabilities rated
//! ahead of missing foundations.
//!
//! Foundations are the source's own links between capabilities (e.g. "Dimensions of Data …
//! expanding on numbers four and five, metrics and reporting"); they are data
//! ([`MaturityModel::foundations`]) with that compiled-in default.
//!
//! ```
//! use csops_core::maturity::{Maturity, Capability, MaturityModel, Stage};
//! let mut ratings: Vec<(&str, i64)> = Capability::ALL.iter().map(|c| (c.id(), 2)).collect();
//! ratings[3].1 = 0; // metrics: absent
//! ratings[10].1 = 3; // digital_strategy: optimised
//! let a = Maturity::from_ratings(ratings).unwrap();
//! let report = a.report(&MaturityModel::default());
//! // Build is not all established (metrics is absent); Operationalize and Transform are.
//! assert_eq!(report.highest_established_stage, Some(Stage::Transform));
//! assert_eq!(report.weakest, vec![Capability::Metrics]);
//! assert!(report.ahead_of_foundations.iter().any(|a| a.capability == Capability::DigitalStrategy));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

/// A stage of the model.
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
    IntoStaticStr,
)]
pub enum Stage {
    /// Capabilities 1–5: the foundation.
    Build,
    /// Capabilities 6–10: structure on the foundation.
    Operationalize,
    /// Capabilities 11–15: streamlining and scaling.
    Transform,
}

/// One of the 15 capabilities, numbered as in the source.
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
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // each is the source's capability of the same name
pub enum Capability {
    OrganizationalDesign = 1,
    OperationsFramework = 2,
    EngagementModel = 3,
    Metrics = 4,
    Reporting = 5,
    DimensionsOfData = 6,
    JourneyMap = 7,
    HealthScore = 8,
    ToolSpecialization = 9,
    CustomerExperience = 10,
    DigitalStrategy = 11,
    Enablement = 12,
    CrossFunctionalHealth = 13,
    CapacityPlanning = 14,
    DataDrivenDecisions = 15,
}

impl Capability {
    /// All 15, in the source's order.
    pub const ALL: [Capability; 15] = [
        Capability::OrganizationalDesign,
        Capability::OperationsFramework,
        Capability::EngagementModel,
        Capability::Metrics,
        Capability::Reporting,
        Capability::DimensionsOfData,
        Capability::JourneyMap,
        Capability::HealthScore,
        Capability::ToolSpecialization,
        Capability::CustomerExperience,
        Capability::DigitalStrategy,
        Capability::Enablement,
        Capability::CrossFunctionalHealth,
        Capability::CapacityPlanning,
        Capability::DataDrivenDecisions,
    ];

    /// The source's number (1–15).
    pub const fn number(self) -> u8 {
        self as u8
    }

    /// The id used in data (`"dimensions_of_data"`).
    pub fn id(self) -> &'static str {
        self.into()
    }

    /// The source's title.
    pub const fn title(self) -> &'static str {
        match self {
            Capability::OrganizationalDesign => "Organizational Design and Structure",
            Capability::OperationsFramework => "Operations Framework",
            Capability::EngagementModel => "Engagement Model",
            Capability::Metrics => "Metrics",
            Capability::Reporting => "Reporting",
            Capability::DimensionsOfData => "Dimensions of Data",
            Capability::JourneyMap => "CS Journey Map",
            Capability::HealthScore => "Health Score",
            Capability::ToolSpecialization => "CS Tool Specialization",
            Capability::CustomerExperience => "CX (VoC, CSAT, NPS, etc.)",
            Capability::DigitalStrategy => "Digital Strategy",
            Capability::Enablement => "CS Enablement",
            Capability::CrossFunctionalHealth => "Cross-Functional Health",
            Capability::CapacityPlanning => "Capacity & ROI Planning",
            Capability::DataDrivenDecisions => "Data-Driven Decisions",
        }
    }

    /// Its stage: 1–5 Build, 6–10 Operationalize, 11–15 Transform.
    pub const fn stage(self) -> Stage {
        match self.number() {
            1..=5 => Stage::Build,
            6..=10 => Stage::Operationalize,
            _ => Stage::Transform,
        }
    }

    /// A capability by id (`"metrics"`) or number (`"4"`).
    pub fn parse(text: &str) -> Option<Capability> {
        text.parse::<Capability>().ok().or_else(|| {
            text.parse::<u8>()
                .ok()
                .and_then(|n| Capability::ALL.iter().copied().find(|c| c.number() == n))
        })
    }
}

/// A rating: 0 absent, 1 emerging, 2 established, 3 optimised.
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
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Rating {
    /// Not there.
    Absent = 0,
    /// Beginning.
    Emerging = 1,
    /// In place.
    Established = 2,
    /// Continuously improved.
    Optimised = 3,
}

impl Rating {
    /// The rating for 0–3.
    pub const fn from_level(level: i64) -> Option<Rating> {
        match level {
            0 => Some(Rating::Absent),
            1 => Some(Rating::Emerging),
            2 => Some(Rating::Established),
            3 => Some(Rating::Optimised),
            _ => None,
        }
    }
}

/// An assessment that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaturityError {
    /// A name that is not one of the 15 capabilities.
    #[error(
        "unknown capability {}: capabilities are the 15 of the model, by id (\"metrics\") or number (1-15)",
        crate::words::Quoted(.name)
    )]
    UnknownCapability {
        /// The name given.
        name: String,
    },
    /// A rating outside 0–3.
    #[error(
        "capability {capability}: rating {rating} is not one of 0 (absent), 1 (emerging), 2 (established), 3 (optimised)"
    )]
    BadRating {
        /// The capability.
        capability: Capability,
        /// The rating given.
        rating: i64,
    },
    /// A capability rated twice.
    #[error("capability {capability} is rated twice")]
    Duplicate {
        /// The capability.
        capability: Capability,
    },
    /// Capabilities left unrated.
    #[error("capabilities without a rating: {}", .missing.iter().map(|c| c.id()).collect::<Vec<_>>().join(", "))]
    Missing {
        /// Which.
        missing: Vec<Capability>,
    },
}

/// The model's links between capabilities (configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaturityModel {
    /// Capability → the capabilities it builds on.
    pub foundations: BTreeMap<Capability, Vec<Capability>>,
}

impl Default for MaturityModel {
    /// The links the source states or implies (see the module doc).
    fn default() -> Self {
        use Capability::*;
        let links: [(Capability, &[Capability]); 10] = [
            (DimensionsOfData, &[Metrics, Reporting]),
            (JourneyMap, &[EngagementModel]),
            (HealthScore, &[Metrics, DimensionsOfData]),
            (ToolSpecialization, &[OperationsFramework]),
            (CustomerExperience, &[Metrics]),
            (DigitalStrategy, &[EngagementModel, Metrics, JourneyMap]),
            (Enablement, &[OperationsFramework, Metrics]),
            (CrossFunctionalHealth, &[OrganizationalDesign]),
            (CapacityPlanning, &[EngagementModel, Metrics]),
            (DataDrivenDecisions, &[Reporting, DimensionsOfData]),
        ];
        MaturityModel {
            foundations: links.into_iter().map(|(c, f)| (c, f.to_vec())).collect(),
        }
    }
}

/// Ratings as a user writes them: an object from each capability (its id, or its number as a
/// string) to its rating, read in order with every key kept, so that a repeated capability is
/// [`Maturity::from_ratings`]'s duplicate error and the first problem is the first written.
///
/// ```
/// use csops_core::maturity::{Maturity, Ratings};
/// let r: Ratings = serde_json::from_str(r#"{"metrics": 2, "metrics": 3}"#)?;
/// assert_eq!(r.0.len(), 2);
/// assert!(Maturity::from_ratings(r.0).unwrap_err().to_string().contains("metrics"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ratings(pub Vec<(String, i64)>);

impl<'de> Deserialize<'de> for Ratings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Ratings, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = Ratings;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object from capability to rating (0-3)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ratings, A::Error> {
                let mut pairs = Vec::new();
                while let Some(CapabilityKey(key)) = map.next_key::<CapabilityKey>()? {
                    let rating = map.next_value_seed(RatingOf(&key))?;
                    pairs.push((key, rating));
                }
                Ok(Ratings(pairs))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// A capability as a ratings key: its id (`"metrics"`) or its number, as text (`"4"`, JSON's
/// keys) or as an integer (`4`, a Python dict's keys).
struct CapabilityKey(String);

impl<'de> Deserialize<'de> for CapabilityKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CapabilityKey, D::Error> {
        struct Key;
        impl serde::de::Visitor<'_> for Key {
            type Value = CapabilityKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a capability id or number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CapabilityKey, E> {
                Ok(CapabilityKey(v.to_owned()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<CapabilityKey, E> {
                Ok(CapabilityKey(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<CapabilityKey, E> {
                Ok(CapabilityKey(v.to_string()))
            }
        }
        d.deserialize_any(Key)
    }
}

/// A rating, read knowing its capability: an error names it.
struct RatingOf<'a>(&'a str);

impl<'de> serde::de::DeserializeSeed<'de> for RatingOf<'_> {
    type Value = i64;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<i64, D::Error> {
        i64::deserialize(d).map_err(|e| {
            serde::de::Error::custom(format!(
                "the rating of {}: {}",
                crate::words::Quoted(self.0),
                crate::words::reader_words(&e.to_string())
            ))
        })
    }
}

/// A maturity assessment: the ratings of all 15 capabilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maturity {
    ratings: BTreeMap<Capability, Rating>,
}

/// A stage's completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageCompletion {
    /// The stage.
    pub stage: Stage,
    /// Sum of ratings over the maximum (15), in percent.
    pub completion: f64,
    /// How many of its 5 capabilities are at least established.
    pub established: usize,
}

/// A capability rated established or better while one of its foundations is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AheadOfFoundations {
    /// The capability.
    pub capability: Capability,
    /// Its rating.
    pub rating: Rating,
    /// Its absent foundations.
    pub missing: Vec<Capability>,
}

/// The report of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaturityReport {
    /// Completion per stage, Build first.
    pub stages: Vec<StageCompletion>,
    /// The highest stage whose five capabilities are all at least established (stages are
    /// judged each on its own: the source says maturity need not grow in order).
    pub highest_established_stage: Option<Stage>,
    /// The capabilities with the lowest rating, in the source's order.
    pub weakest: Vec<Capability>,
    /// Capabilities rated ahead of missing foundations.
    pub ahead_of_foundations: Vec<AheadOfFoundations>,
}

impl Maturity {
    /// An assessment from (capability id or number, rating 0–3) pairs; all 15 must be rated,
    /// once each.
    pub fn from_ratings<I, S>(ratings: I) -> Result<Maturity, MaturityError>
    where
        I: IntoIterator<Item = (S, i64)>,
        S: AsRef<str>,
    {
        let mut out = BTreeMap::new();
        for (name, level) in ratings {
            let name = name.as_ref();
            let capability =
                Capability::parse(name).ok_or_else(|| MaturityError::UnknownCapability {
                    name: name.to_owned(),
                })?;
            let rating = Rating::from_level(level).ok_or(MaturityError::BadRating {
                capability,
                rating: level,
            })?;
            if out.insert(capability, rating).is_some() {
                return Err(MaturityError::Duplicate { capability });
            }
        }
        let missing: Vec<Capability> = Capability::ALL
            .iter()
            .copied()
            .filter(|c| !out.contains_key(c))
            .collect();
        if missing.is_empty() {
            Ok(Maturity { ratings: out })
        } else {
            Err(MaturityError::Missing { missing })
        }
    }

    /// A capability's rating.
    pub fn rating(&self, capability: Capability) -> Rating {
        self.ratings
            .get(&capability)
            .copied()
            .unwrap_or(Rating::Absent)
    }

    /// The report (SPEC §12).
    pub fn report(&self, model: &MaturityModel) -> MaturityReport {
        let stages: Vec<StageCompletion> = [Stage::Build, Stage::Operationalize, Stage::Transform]
            .into_iter()
            .map(|stage| {
                let caps = Capability::ALL.iter().filter(|c| c.stage() == stage);
                let (sum, established) = caps.fold((0u32, 0usize), |(s, e), c| {
                    let r = self.rating(*c);
                    (s + r as u32, e + usize::from(r >= Rating::Established))
                });
                StageCompletion {
                    stage,
                    completion: f64::from(sum) * 100.0 / 15.0,
                    established,
                }
            })
            .collect();
        let highest_established_stage = stages
            .iter()
            .rev()
            .find(|s| s.established == 5)
            .map(|s| s.stage);
        let lowest = Capability::ALL
            .iter()
            .map(|c| self.rating(*c))
            .min()
            .unwrap_or(Rating::Absent);
        let weakest = Capability::ALL
            .iter()
            .copied()
            .filter(|c| self.rating(*c) == lowest)
            .collect();
        let ahead_of_foundations = Capability::ALL
            .iter()
            .filter(|c| self.rating(**c) >= Rating::Established)
            .filter_map(|c| {
                let missing: Vec<Capability> = model
                    .foundations
                    .get(c)
                    .map(|f| {
                        f.iter()
                            .copied()
                            .filter(|f| self.rating(*f) == Rating::Absent)
                            .collect()
                    })
                    .unwrap_or_default();
                (!missing.is_empty()).then(|| AheadOfFoundations {
                    capability: *c,
                    rating: self.rating(*c),
                    missing,
                })
            })
            .collect();
        MaturityReport {
            stages,
            highest_established_stage,
            weakest,
            ahead_of_foundations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(level: i64) -> Vec<(String, i64)> {
        Capability::ALL
            .iter()
            .map(|c| (c.id().to_owned(), level))
            .collect()
    }

    #[test]
    fn capabilities_stages_and_names() {
        assert_eq!(Capability::ALL.len(), 15);
        for (i, c) in Capability::ALL.iter().enumerate() {
            assert_eq!(usize::from(c.number()), i + 1);
            assert_eq!(Capability::parse(c.id()), Some(*c));
            assert_eq!(Capability::parse(&c.number().to_string()), Some(*c));
        }
        assert_eq!(Capability::Reporting.stage(), Stage::Build);
        assert_eq!(
            Capability::CustomerExperience.stage(),
            Stage::Operationalize
        );
        assert_eq!(Capability::DigitalStrategy.stage(), Stage::Transform);
        assert_eq!(Capability::parse("16"), None);
    }

    #[test]
    fn bad_assessments() {
        let mut r = all(2);
        r[0].1 = 4;
        assert!(matches!(
            Maturity::from_ratings(r),
            Err(MaturityError::BadRating {
                capability: Capability::OrganizationalDesign,
                rating: 4
            })
        ));
        let mut r = all(2);
        r.pop();
        assert_eq!(
            Maturity::from_ratings(r),
            Err(MaturityError::Missing {
                missing: vec![Capability::DataDrivenDecisions]
            })
        );
        let mut r = all(2);
        r.push(("4".into(), 1));
        assert_eq!(
            Maturity::from_ratings(r),
            Err(MaturityError::Duplicate {
                capability: Capability::Metrics
            })
        );
        let mut r = all(2);
        r.push(("tooling".into(), 1));
        assert!(matches!(
            Maturity::from_ratings(r),
            Err(MaturityError::UnknownCapability { .. })
        ));
    }

    #[test]
    fn report() {
        let a = Maturity::from_ratings(all(3)).unwrap();
        let r = a.report(&MaturityModel::default());
        assert_eq!(r.highest_established_stage, Some(Stage::Transform));
        assert!(
            r.stages
                .iter()
                .all(|s| s.completion == 100.0 && s.established == 5)
        );
        assert_eq!(r.weakest.len(), 15);
        assert!(r.ahead_of_foundations.is_empty());

        let mut ratings = all(2);
        ratings[3].1 = 0; // metrics absent
        ratings[7].1 = 1; // health score emerging
        let r = Maturity::from_ratings(ratings)
            .unwrap()
            .report(&MaturityModel::default());
        assert_eq!(r.highest_established_stage, Some(Stage::Transform));
        assert_eq!(r.stages[0].completion, 8.0 * 100.0 / 15.0);
        assert_eq!(r.stages[0].established, 4);
        assert_eq!(r.weakest, vec![Capability::Metrics]);
        let ahead: Vec<Capability> = r
            .ahead_of_foundations
            .iter()
            .map(|a| a.capability)
            .collect();
        // Health score is only emerging: not "ahead". Every other capability built on metrics is.
        assert_eq!(
            ahead,
            vec![
                Capability::DimensionsOfData,
                Capability::CustomerExperience,
                Capability::DigitalStrategy,
                Capability::Enablement,
                Capability::CapacityPlanning
            ]
        );
        assert_eq!(r.ahead_of_foundations[2].missing, vec![Capability::Metrics]);
        // No stage complete.
        let r = Maturity::from_ratings(all(1))
            .unwrap()
            .report(&MaturityModel::default());
        assert_eq!(r.highest_established_stage, None);
    }

    #[test]
    fn foundations_are_replaceable() {
        let model = MaturityModel {
            foundations: BTreeMap::from([(Capability::Reporting, vec![Capability::Metrics])]),
        };
        let mut ratings = all(2);
        ratings[3].1 = 0;
        let r = Maturity::from_ratings(ratings).unwrap().report(&model);
        assert_eq!(r.ahead_of_foundations.len(), 1);
        assert_eq!(r.ahead_of_foundations[0].capability, Capability::Reporting);
    }
}
