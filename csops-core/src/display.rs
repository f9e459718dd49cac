//! The one display vocabulary of every human-facing text (messages, GitLab comments, reports):
//! states, workstreams, engagement models and segments by their handbook titles, durations in
//! days. Data (JSON, columns, attributes) keeps the names (`InProcess`, `ROPS`, `tech_touch`);
//! what a person reads uses these.
//!
//! ```
//! use csops_core::display::{days, title};
//! use csops_core::State;
//! assert_eq!(State::InProcess.title(), "In Process");
//! assert_eq!(title("ROPS"), Some("Renewal Ops"));
//! assert_eq!(title("tech_touch"), Some("Tech touch"));
//! assert_eq!(title("Doing"), None);
//! assert_eq!(days(137.0), "5.7 days");
//! ```

use crate::State;
use crate::routing::Workstream;
use crate::segment::{CsmTeam, EngagementModel, SalesSegment};
use strum::VariantArray;

impl State {
    /// The state as a person reads it (`"In Process"`, `"Won't Do"`); the data name is
    /// [`State::as_str`].
    pub const fn title(self) -> &'static str {
        match self {
            State::New => "New",
            State::Triage => "Triage",
            State::NeedMoreInfo => "Need More Info",
            State::ReadyForAssignment => "Ready for Assignment",
            State::Unassigned => "Unassigned",
            State::Backlog => "Backlog",
            State::InProcess => "In Process",
            State::Blocked => "Blocked",
            State::AwaitingFeedback => "Awaiting Feedback",
            State::Monitoring => "Monitoring",
            State::WontDo => "Won't Do",
            State::Completed => "Completed",
        }
    }
}

impl EngagementModel {
    /// The engagement model as a person reads it (`"Tech touch"`).
    pub const fn title(self) -> &'static str {
        match self {
            EngagementModel::HighTouch => "High touch",
            EngagementModel::MidTouch => "Mid touch",
            EngagementModel::TechTouch => "Tech touch",
        }
    }
}

/// The display title of a name of the domain's vocabulary: a state (`InProcess`), a workstream
/// (`ROPS`, or any spelling [`Workstream::parse`] takes), an engagement model (`tech_touch`), a
/// sales segment (`SMB`) or a CSM team (`PubSec`). `None` for a name that is none of them. A
/// name in two vocabularies (`Scale`, a workstream and a CSM team) has one title in both.
pub fn title(name: &str) -> Option<&'static str> {
    if let Some(s) = State::VARIANTS.iter().find(|s| s.as_str() == name) {
        return Some(s.title());
    }
    if let Ok(w) = Workstream::parse(name) {
        return Some(w.title());
    }
    if let Some(m) = EngagementModel::VARIANTS
        .iter()
        .find(|m| <&str>::from(**m) == name)
    {
        return Some(m.title());
    }
    SalesSegment::VARIANTS
        .iter()
        .map(|s| <&'static str>::from(*s))
        .chain(CsmTeam::VARIANTS.iter().map(|t| <&'static str>::from(*t)))
        .find(|s| *s == name)
}

/// What [`title`] takes, for a message about a name it does not know.
pub const VOCABULARIES: &str =
    "a state, workstream, engagement model, sales segment or CSM team name";

/// A duration given in hours, as a person reads it: days with one decimal (`"5.7 days"`,
/// `"1.0 day"`).
pub fn days(hours: f64) -> String {
    let d = hours / 24.0;
    if format!("{d:.1}") == "1.0" {
        "1.0 day".to_owned()
    } else {
        format!("{d:.1} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_a_title_and_titles_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for s in State::VARIANTS {
            assert_eq!(title(s.as_str()), Some(s.title()));
            assert!(seen.insert(s.title()), "{s}");
        }
        for w in Workstream::VARIANTS {
            assert_eq!(title(w.as_str()), Some(w.title()));
            assert_eq!(title(w.title()), Some(w.title()));
        }
        for m in EngagementModel::VARIANTS {
            assert_eq!(title(m.into()), Some(m.title()));
        }
        assert_eq!(title("Mid-Market"), Some("Mid-Market"));
        for t in CsmTeam::VARIANTS {
            assert!(title(t.into()).is_some(), "{t}");
        }
        // Every segment name a scorecard takes without a profile has a title.
        let card = crate::health::Scorecard::default();
        for s in [
            "high_touch",
            "mid_touch",
            "tech_touch",
            "Enterprise",
            "SMB",
            "PubSec",
            "Scale",
        ] {
            assert!(card.segment_code(s).is_ok() && title(s).is_some(), "{s}");
        }
        assert_eq!(title("In_Process"), None);
        assert_eq!(title(""), None);
    }

    #[test]
    fn durations_read_in_days() {
        assert_eq!(days(0.0), "0.0 days");
        assert_eq!(days(24.0), "1.0 day");
        assert_eq!(days(1094.0), "45.6 days");
    }
}
