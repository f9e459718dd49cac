//! The questions the transition table answers (SPEC §2), by the same check as
//! [`Workflow::apply`]: a move seen on a tracker ([`Workflow::check_move`], which the audit,
//! the board and the webhook ask; none of them holds a rule of its own), what a person may do
//! now ([`Workflow::choices`]), and how a request gets from one state to another
//! ([`shortest_path`], [`simple_paths`]).

use chrono::{DateTime, Utc};
use serde::Serialize;
use strum::EnumCount;

use super::{
    Command, CommandKind, Problem, Request, Rule, TRANSITIONS, Target, Transition, Workflow,
};
use crate::state::State;

/// A workflow move seen on a tracker, checked against the table ([`super::Workflow::check_move`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoveCheck {
    /// The state before.
    pub from: State,
    /// The state after.
    pub to: State,
    /// The table's row for the move, when it has one.
    #[serde(serialize_with = "rule_command")]
    pub rule: Option<&'static Rule>,
    /// Every rule the move broke that a tracker shows, in the order checked (unknown person,
    /// the table's row, who, the weight, a required review, an assignee for In Process).
    pub problems: Vec<Problem>,
}

impl MoveCheck {
    /// Whether the move broke no rule a tracker shows.
    pub fn allowed(&self) -> bool {
        self.problems.is_empty()
    }
}

fn rule_command<S: serde::Serializer>(
    rule: &Option<&'static Rule>,
    s: S,
) -> Result<S::Ok, S::Error> {
    rule.map(|r| r.command).serialize(s)
}

/// A move of the transition table: a command and the two states it joins (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct Move {
    /// The command.
    pub command: CommandKind,
    /// The state before.
    pub from: State,
    /// The state after.
    pub to: State,
}

/// One command the table offers from a request's state, to one actor at one time: what
/// [`Workflow::choices`] answers (SPEC §2 "What may this person do now?").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    /// The command.
    pub command: CommandKind,
    /// The state it leads to (the same state for an approval or a waiver).
    pub to: State,
    /// Whether it would be accepted as things stand, once the command carries its `inputs`.
    pub open: bool,
    /// What the command itself must carry (a question, a weight, an assignee, the closing
    /// checklist's items, …), each in a rejection's words; `missing` names the field.
    pub inputs: Vec<Problem>,
    /// What stands in the way whatever the command carries (who may, an approval, a required
    /// review, an assignee the request lacks, …), each in a rejection's words. Empty when open.
    pub unmet: Vec<Problem>,
}

impl Workflow {
    /// The effects (SPEC §2) of an allowed move seen on a tracker, as the engine computes them
    /// for the same command on `req` (the request as the move left it, open or closed): what
    /// the tracker must still do besides the label move it has done (closing, reopening, the
    /// interrupt label). The workflow label is the person's, in the spelling they chose: none
    /// is added (a canonical label beside an alias in another scope would be two workflow
    /// labels) and none removed. `None` for a move that broke a rule or that the table does
    /// not have.
    pub fn effects_of(
        &self,
        req: &Request,
        seen: &MoveCheck,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Option<Transition> {
        let rule = seen.rule.filter(|_| seen.allowed())?;
        let plan = super::Plan {
            rule,
            to: seen.to,
            workstream: None,
            weight: None,
            assignee: None,
            reviewer: None,
            interrupt: self.interrupts(req, rule.command, at),
        };
        Some(self.transition_from(req, seen.from, &plan, actor, None))
    }

    /// What `actor` may do with `req` at `at`: every command the table offers from its state,
    /// in table order, each open or with what stands in the way, by the same check as
    /// [`Workflow::apply`] (the command given bare: what it must carry is listed, not held
    /// against it).
    ///
    /// ```
    /// use csops_core::{Directory, Request, State, Workflow};
    /// use csops_core::workflow::CommandKind;
    /// let wf = Workflow::with_directory(Directory::from_json(
    ///     r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)?);
    /// let req = Request::from_json(r#"{"id": 1, "author": "rita", "created_at": "2026-01-05T09:00:00Z",
    ///     "labels": ["CSOps", "Gainsight", "CSOps::Triage"]}"#)?;
    /// let at = "2026-01-06T10:00:00Z".parse()?;
    /// let lena = wf.choices(&req, "lena", at);
    /// let open: Vec<_> = lena.iter().filter(|c| c.open).map(|c| c.command).collect();
    /// assert!(open.contains(&CommandKind::Ready) && open.contains(&CommandKind::Decline));
    /// let ready = lena.iter().find(|c| c.command == CommandKind::Ready).unwrap();
    /// assert_eq!(ready.inputs[0].missing(), Some("weight"));
    /// // omar is no lead: nothing is open to him, and each choice says why.
    /// let omar = wf.choices(&req, "omar", at);
    /// assert!(omar.iter().all(|c| !c.open && !c.unmet.is_empty()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn choices(&self, req: &Request, actor: &str, at: DateTime<Utc>) -> Vec<Choice> {
        TRANSITIONS
            .iter()
            .filter(|r| r.from.contains(req.state))
            .map(|rule| {
                let (inputs, unmet) =
                    match self.evaluate(req, &Command::bare(rule.command), actor, at) {
                        Ok(_) => (Vec::new(), Vec::new()),
                        Err(rejection) => rejection
                            .problems
                            .into_iter()
                            .partition(|p| p.reason.carried_by_command()),
                    };
                Choice {
                    command: rule.command,
                    to: rule.target(req.state),
                    open: unmet.is_empty(),
                    inputs,
                    unmet,
                }
            })
            .collect()
    }

    /// The moves out of `from` that a tracker would have let `actor` make on `req` (the
    /// request as it stands, [`Workflow::check_move`]): what a refused move's explanation
    /// names instead.
    pub fn open_moves(
        &self,
        req: &Request,
        from: State,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Vec<Move> {
        moves_from(from)
            .filter(|m| self.check_move(req, m.from, m.to, actor, at).allowed())
            .collect()
    }
}

/// The state changes of the table out of `from`, in table order.
fn moves_from(from: State) -> impl Iterator<Item = Move> {
    TRANSITIONS.iter().filter_map(move |r| match r.to {
        Target::To(to) if r.from.contains(from) && to != from => Some(Move {
            command: r.command,
            from,
            to,
        }),
        _ => None,
    })
}

/// The shortest sequence of moves from `from` to `to` (SPEC §2 "How does a request get
/// there?"); the first in table order among those as short. `Some(vec![])` when `from` is
/// `to`; `None` when the table has no way.
///
/// ```
/// use csops_core::State;
/// use csops_core::workflow::{shortest_path, CommandKind};
/// let path = shortest_path(State::New, State::InProcess).unwrap();
/// let commands: Vec<_> = path.iter().map(|m| m.command).collect();
/// assert_eq!(commands, [CommandKind::RequestInfo, CommandKind::Resume]);
/// assert_eq!(shortest_path(State::Completed, State::New), None);
/// ```
pub fn shortest_path(from: State, to: State) -> Option<Vec<Move>> {
    let mut came_by: [Option<Move>; State::COUNT] = [None; State::COUNT];
    let mut seen = [false; State::COUNT];
    let mut queue = std::collections::VecDeque::from([from]);
    seen[from.index()] = true;
    while let Some(state) = queue.pop_front() {
        if state == to {
            let mut path = Vec::new();
            let mut at = to;
            while let Some(m) = came_by[at.index()] {
                path.push(m);
                at = m.from;
            }
            path.reverse();
            return Some(path);
        }
        for m in moves_from(state) {
            if !seen[m.to.index()] {
                seen[m.to.index()] = true;
                came_by[m.to.index()] = Some(m);
                queue.push_back(m.to);
            }
        }
    }
    None
}

/// Every simple path (no state twice) from `from` to `to`, shortest first and in table order
/// among paths as long: the routes a test of one's own configuration walks (SPEC §2).
/// `[[]]` when `from` is `to`.
///
/// ```
/// use csops_core::State;
/// use csops_core::workflow::{simple_paths, shortest_path};
/// let paths = simple_paths(State::Triage, State::InProcess);
/// assert_eq!(paths[0], shortest_path(State::Triage, State::InProcess).unwrap());
/// assert!(paths.iter().all(|p| p.first().unwrap().from == State::Triage
///                            && p.last().unwrap().to == State::InProcess));
/// ```
pub fn simple_paths(from: State, to: State) -> Vec<Vec<Move>> {
    fn walk(
        at: State,
        to: State,
        visited: &mut [bool; State::COUNT],
        path: &mut Vec<Move>,
        out: &mut Vec<Vec<Move>>,
    ) {
        if at == to {
            out.push(path.clone());
            return;
        }
        for m in moves_from(at) {
            if !visited[m.to.index()] {
                visited[m.to.index()] = true;
                path.push(m);
                walk(m.to, to, visited, path, out);
                path.pop();
                visited[m.to.index()] = false;
            }
        }
    }
    let mut out = Vec::new();
    let mut visited = [false; State::COUNT];
    visited[from.index()] = true;
    walk(from, to, &mut visited, &mut Vec::new(), &mut out);
    out.sort_by_key(Vec::len);
    out
}
