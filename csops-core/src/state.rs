//! The workflow states of a CS Ops request (SPEC §1, §2): [`State`], named as data names them,
//! with the open / closed split, and [`StateSet`], the sets of states the transition table
//! uses.
//!
//! ```
//! use csops_core::state::{State, StateSet};
//! use strum::VariantArray;
//!
//! assert_eq!(State::VARIANTS.len(), 12);
//! assert_eq!("InProcess".parse::<State>().unwrap().as_str(), "InProcess");
//! assert!("In Process".parse::<State>().is_err()); // the display title is not a name
//! let closed: Vec<State> = State::VARIANTS.iter().copied().filter(|s| !s.is_open()).collect();
//! assert_eq!(closed, [State::WontDo, State::Completed]);
//! assert!(StateSet::OPEN.contains(State::Blocked) && !StateSet::OPEN.contains(State::WontDo));
//! ```

use serde::{Deserialize, Serialize};
use strum::{Display, EnumCount, EnumIter, EnumString, IntoStaticStr, VariantArray};

/// A state of the request workflow. Each state but [`State::New`] has one scoped workflow label
/// (`CSOps::…`, see [`crate::label`]); a new request carries only the plain `CSOps` label.
///
/// The names are the ones the conformance vectors and the Python and C surfaces use
/// (`"InProcess"`, `"WontDo"`, …).
///
/// ```
/// use csops_core::State;
/// let s: State = "AwaitingFeedback".parse().unwrap();
/// assert_eq!(s, State::AwaitingFeedback);
/// assert!(s.is_open());
/// assert!(!State::Completed.is_open());
/// ```
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
    EnumIter,
    EnumCount,
    IntoStaticStr,
    VariantArray,
)]
pub enum State {
    /// Not yet reviewed by a workstream lead; no workflow label.
    New,
    /// Reviewed and waiting for prioritisation.
    Triage,
    /// Waiting for the requester to give more information.
    NeedMoreInfo,
    /// Weighted and ready to be assigned.
    ReadyForAssignment,
    /// Agreed to do, but no capacity or priority yet.
    Unassigned,
    /// Agreed to be useful, but not within the next 90 days.
    Backlog,
    /// Being worked on by its assignee.
    InProcess,
    /// Cannot be worked (technical problem or pending decision).
    Blocked,
    /// In peer review.
    AwaitingFeedback,
    /// Transferred to another team; CS Ops monitors it.
    Monitoring,
    /// Decided not to be done; the issue is closed.
    WontDo,
    /// Delivered; the issue is closed.
    Completed,
}

/// A state name that names no state (SPEC §2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown state {}: expected one of New, Triage, NeedMoreInfo, ReadyForAssignment, Unassigned, Backlog, InProcess, Blocked, AwaitingFeedback, Monitoring, WontDo, Completed",
    crate::words::Quoted(.name)
)]
pub struct UnknownState {
    /// The name given.
    pub name: String,
}

impl State {
    /// Whether a request in this state is open on the tracker (everything but `Completed` and
    /// `WontDo`).
    pub const fn is_open(self) -> bool {
        !matches!(self, State::Completed | State::WontDo)
    }

    /// Whether a request in this state must have an assignee: someone is working on it (In
    /// Process). Every row of the table into it needs one or is taken by one; a request seen
    /// there without one is an anomaly of the board and a violation of the audit.
    pub const fn needs_assignee(self) -> bool {
        matches!(self, State::InProcess)
    }

    /// The state of a name as data names it (`"InProcess"`), or an error naming the input and
    /// listing every state.
    ///
    /// ```
    /// use csops_core::State;
    /// assert_eq!(State::named("Triage"), Ok(State::Triage));
    /// let e = State::named("Doing").unwrap_err();
    /// assert!(e.to_string().starts_with("unknown state \"Doing\": expected one of New, Triage"));
    /// ```
    pub fn named(name: &str) -> Result<State, UnknownState> {
        name.parse().map_err(|_| UnknownState {
            name: name.to_owned(),
        })
    }

    /// The state's name as a static string (`"InProcess"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Position of the state in [`State::VARIANTS`]; used for compact per-state tables.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// A small set of states, used by the transition table (a bit set, `Copy`, no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StateSet(u16);

impl StateSet {
    /// The empty set.
    pub const EMPTY: StateSet = StateSet(0);

    /// Every open state (SPEC §2 "any open state").
    pub const OPEN: StateSet = StateSet::of(&[
        State::New,
        State::Triage,
        State::NeedMoreInfo,
        State::ReadyForAssignment,
        State::Unassigned,
        State::Backlog,
        State::InProcess,
        State::Blocked,
        State::AwaitingFeedback,
        State::Monitoring,
    ]);

    /// The set holding exactly `states`.
    pub const fn of(states: &[State]) -> StateSet {
        let mut bits = 0u16;
        let mut i = 0;
        while i < states.len() {
            bits |= 1 << states[i] as u16;
            i += 1;
        }
        StateSet(bits)
    }

    /// Whether `state` is in the set.
    pub const fn contains(self, state: State) -> bool {
        self.0 & (1 << state as u16) != 0
    }

    /// The states of the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = State> {
        State::VARIANTS
            .iter()
            .copied()
            .filter(move |s| self.contains(*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_states_are_all_but_completed_and_wont_do() {
        for s in State::VARIANTS {
            assert_eq!(StateSet::OPEN.contains(*s), s.is_open(), "{s}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in State::VARIANTS {
            assert_eq!(s.as_str().parse::<State>().unwrap(), *s);
            assert_eq!(State::VARIANTS[s.index()], *s);
        }
        assert!("Doing".parse::<State>().is_err());
    }

    #[test]
    fn state_set_iterates_in_order() {
        let set = StateSet::of(&[State::Blocked, State::New]);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![State::New, State::Blocked]
        );
        assert!(!set.contains(State::Triage));
        assert_eq!(StateSet::EMPTY.iter().count(), 0);
    }

    #[test]
    fn the_unknown_state_error_lists_every_state_in_order() {
        let e = State::named("Doing").unwrap_err().to_string();
        let listed = e.split("expected one of ").nth(1).unwrap();
        let names: Vec<&str> = State::VARIANTS.iter().map(|s| s.as_str()).collect();
        assert_eq!(listed, names.join(", "));
    }
}
