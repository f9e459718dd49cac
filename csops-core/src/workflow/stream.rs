//! Streams of commands over many requests: [`Workflow::apply_all`] applies each in order and
//! answers each with its transition or its rejection, as values.

use std::borrow::BorrowMut;

use chrono::{DateTime, Utc};

use super::{Command, CommandError, Rejection, Request, Transition, Workflow};

/// One command of a stream: the request it is for (an index into the requests), the command,
/// who acts, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamStep<A> {
    /// The request, by its index in the slice given to [`Workflow::apply_all`].
    pub request: usize,
    /// The command.
    pub command: Command,
    /// Who acts.
    pub actor: A,
    /// When.
    pub at: DateTime<Utc>,
}

impl Workflow {
    /// Applies a stream of commands to `requests`, in order: each step's answer is its
    /// [`Transition`] (the request changed) or its [`Rejection`] (the request unchanged), as
    /// [`Workflow::apply`] gives it. A step naming a request that is not there is an error
    /// keyed `steps[i].request`, found before anything is applied. `requests` are the
    /// requests themselves or references to them (`&mut Request`).
    ///
    /// ```
    /// use csops_core::{Directory, Request, Workflow};
    /// use csops_core::workflow::{Command, StreamStep};
    ///
    /// let wf = Workflow::with_directory(Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"]}"#)?);
    /// let mut requests = vec![Request::new(1, "a", "rita", "2026-01-05T09:00:00Z".parse()?)?];
    /// let at = "2026-01-06T09:00:00Z".parse()?;
    /// let triage = Command::from_json(r#"{"type": "triage", "workstream": "Gainsight"}"#)?;
    /// let steps = vec![
    ///     StreamStep { request: 0, command: triage.clone(), actor: "rita", at },
    ///     StreamStep { request: 0, command: triage, actor: "lena", at },
    /// ];
    /// let answers = wf.apply_all(&mut requests, steps)?;
    /// assert!(answers[0].is_err()); // rita is not the lead
    /// assert_eq!(answers[1].as_ref().unwrap().add_labels, ["CSOps::Triage"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_all<R: BorrowMut<Request>, A: AsRef<str>>(
        &self,
        requests: &mut [R],
        steps: Vec<StreamStep<A>>,
    ) -> Result<Vec<Result<Transition, Rejection>>, CommandError> {
        if let Some((i, step)) = steps
            .iter()
            .enumerate()
            .find(|(_, s)| s.request >= requests.len())
        {
            return Err(CommandError {
                key: format!("steps[{i}].request"),
                message: format!(
                    "request {} is not one of the {} requests given",
                    step.request,
                    requests.len()
                ),
            });
        }
        Ok(steps
            .into_iter()
            .map(|s| match requests.get_mut(s.request) {
                Some(req) => self.apply(req.borrow_mut(), s.command, s.actor.as_ref(), s.at),
                // Checked above: every index is in range.
                None => unreachable!("request index checked"),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Directory;

    #[test]
    fn a_stream_equals_its_commands_one_by_one_and_checks_indexes_first() {
        let wf = Workflow::with_directory(
            Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)
                .unwrap(),
        );
        let t0 = "2026-01-05T09:00:00Z".parse().unwrap();
        let fresh = || {
            vec![
                Request::new(1, "a", "rita", t0).unwrap(),
                Request::new(2, "b", "rita", t0).unwrap(),
            ]
        };
        let cmd = |j: &str| Command::from_json(j).unwrap();
        let at = |m: i64| t0 + chrono::Duration::minutes(m);
        let steps = vec![
            StreamStep {
                request: 1,
                command: cmd(r#"{"type": "triage", "workstream": "Gainsight"}"#),
                actor: "lena",
                at: at(1),
            },
            StreamStep {
                request: 0,
                command: cmd(r#"{"type": "triage"}"#),
                actor: "omar",
                at: at(2),
            },
            StreamStep {
                request: 1,
                command: cmd(r#"{"type": "ready", "weight": 3}"#),
                actor: "lena",
                at: at(3),
            },
        ];
        let mut all = fresh();
        let answers = wf.apply_all(&mut all, steps.clone()).unwrap();
        let mut one = fresh();
        for (s, answer) in steps.iter().zip(&answers) {
            let alone = wf.apply(&mut one[s.request], s.command.clone(), s.actor, s.at);
            assert_eq!(&alone, answer);
        }
        assert_eq!(all, one);
        assert!(answers[1].is_err());

        let mut untouched = fresh();
        let mut bad = steps;
        bad[2].request = 2;
        let err = wf.apply_all(&mut untouched, bad).unwrap_err();
        assert_eq!(err.key, "steps[2].request");
        assert_eq!(untouched, fresh());
    }
}
