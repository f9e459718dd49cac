//! Segments, engagement models and capacity (SPEC §8).
//!
//! Ordered segmentation rules (configuration) map an account's attributes — ARR, seats, public
//! sector, region — to a CSM team, a CSM priority (1–4, 4 = digital only), an engagement model and
//! a sales segment; the first rule that matches decides, and an account no rule matches is an
//! error naming it. **The default rules and thresholds are illustrative**: real thresholds are each
//! company's own, so replace them ([`Segmentation::from_json`] / [`Segmentation::from_toml`]).
//!
//! Capacity planning turns a segmented book into CSM headcount per team, two ways: by accounts
//! per CSM for each engagement model, and by weekly touch cadence (calls the book needs versus
//! calls a CSM makes per week); both rounded up per team, with the gap to current headcount.
//!
//! ```
//! use csops_core::segment::{Account, CapacityModel, CsmTeam, EngagementModel, Segmentation, capacity_plan};
//! let seg = Segmentation::default();
//! let big = Account { id: "acme".into(), arr: 750_000.0, seats: 2_000, public_sector: false, region: "EMEA".into() };
//! let small = Account { id: "tiny".into(), arr: 4_000.0, seats: 10, public_sector: false, region: "AMER".into() };
//! let a = seg.assign(&big).unwrap();
//! assert_eq!((a.team, a.priority, a.engagement), (CsmTeam::Strategic, 1, EngagementModel::HighTouch));
//! assert_eq!(seg.assign(&small).unwrap().priority, 4);
//! let plan = capacity_plan(&seg.assign_all(&[big, small]).unwrap(), &[(CsmTeam::Strategic, 0)].into(), &CapacityModel::default());
//! assert_eq!(plan.teams[0].needed_by_ratio, 1);
//! ```

use crate::document::Document;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

/// A CSM team (source `001_…`).
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
    VariantArray,
)]
#[allow(missing_docs)] // the source's team names
pub enum CsmTeam {
    Strategic,
    Growth,
    Scale,
    PubSec,
}

/// An engagement model (source `003_…`, §3).
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
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EngagementModel {
    /// A named CSM, frequent human touchpoints.
    HighTouch,
    /// A CSM with a larger book, human and digital.
    MidTouch,
    /// Digital (tech-touch) programs.
    TechTouch,
}

/// A sales segment (source `004_…`).
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
    VariantArray,
)]
#[allow(missing_docs)] // the source's segment names
pub enum SalesSegment {
    Enterprise,
    #[serde(rename = "Mid-Market")]
    #[strum(serialize = "Mid-Market")]
    MidMarket,
    #[serde(rename = "SMB")]
    #[strum(serialize = "SMB")]
    Smb,
}

/// An account's attributes that segmentation reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The account's id.
    pub id: String,
    /// Annual recurring revenue.
    pub arr: f64,
    /// Licensed seats.
    #[serde(default)]
    pub seats: u64,
    /// A public-sector customer.
    #[serde(default)]
    pub public_sector: bool,
    /// Region (free text, matched exactly).
    #[serde(default)]
    pub region: String,
}

/// What a rule requires; absent conditions hold for every account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Conditions {
    /// ARR at least this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_arr: Option<f64>,
    /// ARR below this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_arr: Option<f64>,
    /// Seats at least this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_seats: Option<u64>,
    /// Public sector or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_sector: Option<bool>,
    /// One of these regions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
}

impl Conditions {
    fn hold(&self, a: &Account) -> bool {
        self.min_arr.is_none_or(|m| a.arr >= m)
            && self.max_arr.is_none_or(|m| a.arr < m)
            && self.min_seats.is_none_or(|m| a.seats >= m)
            && self.public_sector.is_none_or(|p| a.public_sector == p)
            && self.regions.as_ref().is_none_or(|r| r.contains(&a.region))
    }
}

/// Where a matching account lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentSpec {
    /// The CSM team.
    pub team: CsmTeam,
    /// CSM priority 1–4 (4 = digital only).
    pub priority: u8,
    /// The engagement model.
    pub engagement: EngagementModel,
    /// The sales segment.
    pub sales_segment: SalesSegment,
}

/// One ordered rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentRule {
    /// The rule's name (reported with each assignment).
    pub name: String,
    /// What it requires.
    #[serde(default)]
    pub when: Conditions,
    /// Where it puts the account.
    pub then: SegmentSpec,
}

/// An account's segment, and the rule that decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The account.
    pub account: String,
    /// The rule's name.
    pub rule: String,
    /// The CSM team.
    pub team: CsmTeam,
    /// CSM priority 1–4.
    pub priority: u8,
    /// The engagement model.
    pub engagement: EngagementModel,
    /// The sales segment.
    pub sales_segment: SalesSegment,
}

/// Segmentation that cannot be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SegmentError {
    /// No rule matches an account.
    #[error(
        "account {} matches no segmentation rule (arr {arr}, seats {seats}, public_sector {public_sector}, region {})",
        crate::words::Quoted(.account),
        crate::words::Quoted(.region)
    )]
    Unmatched {
        /// The account.
        account: String,
        /// Its ARR.
        arr: f64,
        /// Its seats.
        seats: u64,
        /// Public sector.
        public_sector: bool,
        /// Region.
        region: String,
    },
    /// An account with an ARR that is negative or not a number.
    #[error("account {}: arr {arr} must be a finite number of at least 0", crate::words::Quoted(.account))]
    BadArr {
        /// The account.
        account: String,
        /// The ARR.
        arr: f64,
    },
    /// Rules that cannot be used.
    #[error("segmentation rules: {}{rule}", crate::words::At(.key))]
    Config {
        /// The key.
        key: String,
        /// What is wrong.
        rule: String,
    },
}

/// The ordered segmentation rules (configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segmentation {
    /// First match wins.
    pub rules: Vec<SegmentRule>,
}

impl Default for Segmentation {
    /// Illustrative rules: public sector to PubSec; ARR ≥ 500k Strategic (priority 1,
    /// high-touch); ≥ 100k Growth (2, mid-touch); ≥ 25k Scale (3, tech-touch with a pooled CSM);
    /// everything else digital only (Scale, priority 4, tech-touch).
    fn default() -> Self {
        let rule =
            |name: &str, when: Conditions, team, priority, engagement, sales_segment| SegmentRule {
                name: name.to_owned(),
                when,
                then: SegmentSpec {
                    team,
                    priority,
                    engagement,
                    sales_segment,
                },
            };
        let arr = |min: f64| Conditions {
            min_arr: Some(min),
            ..Conditions::default()
        };
        Segmentation {
            rules: vec![
                rule(
                    "public_sector",
                    Conditions {
                        public_sector: Some(true),
                        ..Conditions::default()
                    },
                    CsmTeam::PubSec,
                    2,
                    EngagementModel::HighTouch,
                    SalesSegment::Enterprise,
                ),
                rule(
                    "strategic",
                    arr(500_000.0),
                    CsmTeam::Strategic,
                    1,
                    EngagementModel::HighTouch,
                    SalesSegment::Enterprise,
                ),
                rule(
                    "growth",
                    arr(100_000.0),
                    CsmTeam::Growth,
                    2,
                    EngagementModel::MidTouch,
                    SalesSegment::MidMarket,
                ),
                rule(
                    "scale",
                    arr(25_000.0),
                    CsmTeam::Scale,
                    3,
                    EngagementModel::TechTouch,
                    SalesSegment::Smb,
                ),
                rule(
                    "digital",
                    Conditions::default(),
                    CsmTeam::Scale,
                    4,
                    EngagementModel::TechTouch,
                    SalesSegment::Smb,
                ),
            ],
        }
    }
}

impl Segmentation {
    /// Rules from JSON (`{"rules": [...]}`), checked; the error names the key.
    pub fn from_json(text: &str) -> Result<Segmentation, SegmentError> {
        <Segmentation as Document>::from_json(text)
    }

    /// Rules from TOML (`[[rules]]` tables), checked; the error names the key.
    pub fn from_toml(text: &str) -> Result<Segmentation, SegmentError> {
        <Segmentation as Document>::from_toml(text)
    }

    fn validated(self) -> Result<Segmentation, SegmentError> {
        if self.rules.is_empty() {
            return Err(SegmentError::Config {
                key: "rules".into(),
                rule: "at least one rule is needed".into(),
            });
        }
        for (i, r) in self.rules.iter().enumerate() {
            if !(1..=4).contains(&r.then.priority) {
                return Err(SegmentError::Config {
                    key: format!("rules[{i}].then.priority"),
                    rule: format!("priority {} is not 1-4", r.then.priority),
                });
            }
            if let (Some(lo), Some(hi)) = (r.when.min_arr, r.when.max_arr)
                && lo >= hi
            {
                return Err(SegmentError::Config {
                    key: format!("rules[{i}].when"),
                    rule: format!(
                        "min_arr {lo} is not below max_arr {hi}: the rule matches nothing"
                    ),
                });
            }
        }
        Ok(self)
    }

    /// The segment of one account: the first rule that matches.
    pub fn assign(&self, a: &Account) -> Result<Assignment, SegmentError> {
        if !(a.arr.is_finite() && a.arr >= 0.0) {
            return Err(SegmentError::BadArr {
                account: a.id.clone(),
                arr: a.arr,
            });
        }
        let rule =
            self.rules
                .iter()
                .find(|r| r.when.hold(a))
                .ok_or_else(|| SegmentError::Unmatched {
                    account: a.id.clone(),
                    arr: a.arr,
                    seats: a.seats,
                    public_sector: a.public_sector,
                    region: a.region.clone(),
                })?;
        Ok(Assignment {
            account: a.id.clone(),
            rule: rule.name.clone(),
            team: rule.then.team,
            priority: rule.then.priority,
            engagement: rule.then.engagement,
            sales_segment: rule.then.sales_segment,
        })
    }

    /// The segments of a book; the first account no rule matches is an error naming it.
    pub fn assign_all(&self, accounts: &[Account]) -> Result<Vec<Assignment>, SegmentError> {
        accounts.iter().map(|a| self.assign(a)).collect()
    }
}

/// Capacity assumptions (configuration; illustrative defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CapacityModel {
    /// Accounts one CSM carries, per engagement model (absent = no CSM needed).
    pub accounts_per_csm: BTreeMap<EngagementModel, f64>,
    /// Calls an account needs per week, per engagement model.
    pub calls_per_account_per_week: BTreeMap<EngagementModel, f64>,
    /// Calls one CSM makes per week.
    pub calls_per_csm_per_week: f64,
    /// Priorities with no CSM at all (digital only).
    pub digital_only_priorities: Vec<u8>,
}

impl Default for CapacityModel {
    /// Illustrative: 10 high-touch, 40 mid-touch or 250 tech-touch accounts per CSM; a call a
    /// fortnight for high-touch, a month for mid-touch, a quarter for tech-touch; 20 calls a CSM
    /// a week; priority 4 is digital only.
    fn default() -> Self {
        use EngagementModel::*;
        CapacityModel {
            accounts_per_csm: BTreeMap::from([
                (HighTouch, 10.0),
                (MidTouch, 40.0),
                (TechTouch, 250.0),
            ]),
            calls_per_account_per_week: BTreeMap::from([
                (HighTouch, 0.5),
                (MidTouch, 0.25),
                (TechTouch, 1.0 / 13.0),
            ]),
            calls_per_csm_per_week: 20.0,
            digital_only_priorities: vec![4],
        }
    }
}

/// One team's capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamCapacity {
    /// The team.
    pub team: CsmTeam,
    /// Accounts in the team's book that need a CSM (digital-only ones excluded).
    pub accounts: u64,
    /// Digital-only accounts of the team.
    pub digital_only: u64,
    /// CSMs needed by accounts per CSM (rounded up).
    pub needed_by_ratio: u64,
    /// CSMs needed by weekly cadence (rounded up).
    pub needed_by_cadence: u64,
    /// CSMs the team has.
    pub current: u64,
    /// needed_by_ratio − current (negative: spare capacity).
    pub gap_by_ratio: i64,
    /// needed_by_cadence − current.
    pub gap_by_cadence: i64,
}

/// The capacity plan of a segmented book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityPlan {
    /// Per team, in team order (teams with neither accounts nor headcount left out).
    pub teams: Vec<TeamCapacity>,
}

/// CSM headcount needed per team, by ratio and by cadence, and the gap to `current` (SPEC §8).
/// Fractional needs are summed per team, then rounded up.
pub fn capacity_plan(
    assignments: &[Assignment],
    current: &BTreeMap<CsmTeam, u64>,
    model: &CapacityModel,
) -> CapacityPlan {
    let mut ratio: BTreeMap<CsmTeam, f64> = BTreeMap::new();
    let mut calls: BTreeMap<CsmTeam, f64> = BTreeMap::new();
    let mut counts: BTreeMap<CsmTeam, (u64, u64)> = BTreeMap::new();
    for a in assignments {
        let c = counts.entry(a.team).or_default();
        if model.digital_only_priorities.contains(&a.priority) {
            c.1 += 1;
            continue;
        }
        c.0 += 1;
        if let Some(per) = model
            .accounts_per_csm
            .get(&a.engagement)
            .filter(|p| **p > 0.0)
        {
            *ratio.entry(a.team).or_default() += 1.0 / per;
        }
        *calls.entry(a.team).or_default() += model
            .calls_per_account_per_week
            .get(&a.engagement)
            .copied()
            .unwrap_or(0.0);
    }
    // Rounding up a sum of fractions: a tiny float excess over an integer is not a whole CSM.
    let up = |x: f64| (x - 1e-9).ceil().max(0.0) as u64;
    let teams = CsmTeam::VARIANTS
        .iter()
        .filter(|t| counts.contains_key(t) || current.contains_key(t))
        .map(|team| {
            let (accounts, digital_only) = counts.get(team).copied().unwrap_or_default();
            let needed_by_ratio = up(ratio.get(team).copied().unwrap_or(0.0));
            let per_csm = model.calls_per_csm_per_week;
            let needed_by_cadence = if per_csm > 0.0 {
                up(calls.get(team).copied().unwrap_or(0.0) / per_csm)
            } else {
                0
            };
            let current = current.get(team).copied().unwrap_or(0);
            TeamCapacity {
                team: *team,
                accounts,
                digital_only,
                needed_by_ratio,
                needed_by_cadence,
                current,
                gap_by_ratio: needed_by_ratio as i64 - current as i64,
                gap_by_cadence: needed_by_cadence as i64 - current as i64,
            }
        })
        .collect();
    CapacityPlan { teams }
}

impl Document for Segmentation {
    type Raw = Segmentation;
    type Error = SegmentError;

    fn read_error(_format: &'static str, key: String, rule: String) -> SegmentError {
        SegmentError::Config { key, rule }
    }

    fn checked(raw: Segmentation) -> Result<Segmentation, SegmentError> {
        raw.validated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(id: &str, arr: f64) -> Account {
        Account {
            id: id.into(),
            arr,
            seats: 0,
            public_sector: false,
            region: String::new(),
        }
    }

    #[test]
    fn default_rules_and_edges() {
        let s = Segmentation::default();
        let team = |arr: f64| s.assign(&acct("a", arr)).unwrap();
        assert_eq!(team(500_000.0).team, CsmTeam::Strategic);
        assert_eq!(team(499_999.99).team, CsmTeam::Growth);
        assert_eq!(team(100_000.0).engagement, EngagementModel::MidTouch);
        assert_eq!(team(25_000.0).priority, 3);
        assert_eq!(team(0.0).priority, 4);
        let pubsec = Account {
            public_sector: true,
            ..acct("gov", 1_000_000.0)
        };
        assert_eq!(s.assign(&pubsec).unwrap().team, CsmTeam::PubSec);
        assert_eq!(s.assign(&pubsec).unwrap().rule, "public_sector");
        assert!(matches!(
            s.assign(&acct("x", -1.0)),
            Err(SegmentError::BadArr { .. })
        ));
        assert!(matches!(
            s.assign(&acct("x", f64::NAN)),
            Err(SegmentError::BadArr { .. })
        ));
    }

    #[test]
    fn unmatched_accounts_are_errors_naming_them() {
        let s = Segmentation::from_json(
            r#"{"rules": [{"name": "emea", "when": {"regions": ["EMEA"]}, "then": {"team": "Growth", "priority": 2, "engagement": "mid_touch", "sales_segment": "Mid-Market"}}]}"#,
        )
        .unwrap();
        let e = s
            .assign_all(&[
                Account {
                    region: "EMEA".into(),
                    ..acct("a", 1.0)
                },
                acct("b", 2.0),
            ])
            .unwrap_err();
        assert!(
            matches!(&e, SegmentError::Unmatched { account, .. } if account == "b"),
            "{e}"
        );
        assert!(e.to_string().contains("\"b\""));
    }

    #[test]
    fn bad_rules_name_the_key() {
        for (json, key) in [
            (r#"{"rules": []}"#, "rules"),
            (
                r#"{"rules": [{"name": "x", "then": {"team": "Growth", "priority": 5, "engagement": "mid_touch", "sales_segment": "SMB"}}]}"#,
                "rules[0].then.priority",
            ),
            (
                r#"{"rules": [{"name": "x", "then": {"team": "Sales", "priority": 1, "engagement": "mid_touch", "sales_segment": "SMB"}}]}"#,
                "rules[0].then.team",
            ),
            (
                r#"{"rules": [{"name": "x", "when": {"min_arr": 5, "max_arr": 5}, "then": {"team": "Growth", "priority": 1, "engagement": "mid_touch", "sales_segment": "SMB"}}]}"#,
                "rules[0].when",
            ),
            (
                r#"{"rules": [{"name": "x", "when": {"arr": 5}, "then": {"team": "Growth", "priority": 1, "engagement": "mid_touch", "sales_segment": "SMB"}}]}"#,
                "rules[0].when.arr",
            ),
        ] {
            match Segmentation::from_json(json) {
                Err(SegmentError::Config { key: k, .. }) => assert_eq!(k, key, "{json}"),
                other => panic!("{json}: {other:?}"),
            }
        }
        let toml = "[[rules]]\nname = \"all\"\nthen = { team = \"Scale\", priority = 4, engagement = \"tech_touch\", sales_segment = \"SMB\" }\n";
        assert_eq!(Segmentation::from_toml(toml).unwrap().rules.len(), 1);
        let json = serde_json::to_string(&Segmentation::default()).unwrap();
        assert_eq!(
            Segmentation::from_json(&json).unwrap(),
            Segmentation::default()
        );
    }

    #[test]
    fn capacity_by_ratio_and_cadence() {
        let s = Segmentation::default();
        let mut book: Vec<Account> = (0..25).map(|i| acct(&format!("s{i}"), 600_000.0)).collect();
        book.extend((0..41).map(|i| acct(&format!("g{i}"), 150_000.0)));
        book.extend((0..7).map(|i| acct(&format!("d{i}"), 1_000.0)));
        let plan = capacity_plan(
            &s.assign_all(&book).unwrap(),
            &BTreeMap::from([(CsmTeam::Strategic, 2), (CsmTeam::PubSec, 1)]),
            &CapacityModel::default(),
        );
        let by: BTreeMap<CsmTeam, &TeamCapacity> = plan.teams.iter().map(|t| (t.team, t)).collect();
        let st = by[&CsmTeam::Strategic];
        assert_eq!(
            (st.accounts, st.needed_by_ratio, st.gap_by_ratio),
            (25, 3, 1)
        ); // 25 / 10 -> 3
        assert_eq!(st.needed_by_cadence, 1); // 12.5 calls / 20
        let gr = by[&CsmTeam::Growth];
        assert_eq!(
            (gr.needed_by_ratio, gr.needed_by_cadence, gr.gap_by_ratio),
            (2, 1, 2)
        ); // 41/40 -> 2; 10.25/20 -> 1
        let sc = by[&CsmTeam::Scale];
        assert_eq!(
            (sc.accounts, sc.digital_only, sc.needed_by_ratio),
            (0, 7, 0)
        );
        let ps = by[&CsmTeam::PubSec];
        assert_eq!(
            (ps.accounts, ps.needed_by_ratio, ps.gap_by_ratio),
            (0, 0, -1)
        );
        // Exact multiples do not round up: 40 mid-touch accounts are one CSM.
        let forty: Vec<Account> = (0..40).map(|i| acct(&format!("m{i}"), 150_000.0)).collect();
        let plan = capacity_plan(
            &s.assign_all(&forty).unwrap(),
            &BTreeMap::new(),
            &CapacityModel::default(),
        );
        assert_eq!(plan.teams[0].needed_by_ratio, 1);
        assert!(
            capacity_plan(&[], &BTreeMap::new(), &CapacityModel::default())
                .teams
                .is_empty()
        );
    }
}
