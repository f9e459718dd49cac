//! Commands: what an actor asks the workflow to do (SPEC §2; the `command` objects of
//! `conformance/FORMAT.md`). Inputs are optional in the type so that a missing one is a
//! [`super::Rejection`] of kind `missing_input` naming it, not a parse error.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

use super::checklist::Checklist;
use crate::routing::Workstream;

/// A command that cannot be read (unknown `type`, a field of the wrong type).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("command is not valid: {}{message}", crate::words::At(.key))]
pub struct CommandError {
    /// The path of the offending key (`type`, `weight`, `checklist.handbook_updated`).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

/// The commands of the workflow and their fields, declared once. Everything else about a
/// command's shape comes from this list: [`CommandKind`], [`Command`], the fields each kind
/// takes, and the record a command is read through (so that an error names its key: serde
/// loses the path inside internally tagged enums). A field's type is declared once, in
/// `fields`; a command names the fields it takes.
macro_rules! commands {
    (
        fields { $( $(#[$fdoc:meta])* $field:ident : $fty:ty ),* $(,)? }
        commands {
            $(
                $(#[$doc:meta])*
                $Variant:ident $( { $( $(#[$vfdoc:meta])* $vfield:ident ),* $(,)? } )?
            ),* $(,)?
        }
    ) => {
        /// The type of each field a command may carry, by the field's name.
        #[allow(non_camel_case_types)]
        mod field_types {
            use super::*;
            $( $(#[$fdoc])* pub(super) type $field = $fty; )*
        }

        /// The kind of a command, without its inputs.
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            Serialize,
            Deserialize,
            Display,
            EnumString,
            IntoStaticStr,
            VariantArray,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum CommandKind {
            $( $(#[$doc])* $Variant, )*
        }

        /// A command with its inputs. JSON: `{"type": "<snake_case kind>", ...fields}`.
        ///
        /// ```
        /// use csops_core::workflow::Command;
        /// let c = Command::from_json(r#"{"type": "ready", "weight": 3}"#).unwrap();
        /// assert_eq!(c, Command::Ready { weight: Some(3), hours: None });
        /// assert!(Command::from_json(r#"{"type": "dance"}"#).is_err());
        /// ```
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum Command {
            $(
                $(#[$doc])*
                $Variant $( {
                    $(
                        $(#[$vfdoc])*
                        #[serde(default, skip_serializing_if = "Option::is_none")]
                        $vfield: Option<field_types::$vfield>,
                    )*
                } )?,
            )*
        }

        /// Every field any command has, typed: commands are read through this record so that an
        /// error names its key. A command is what a user types, so it is strict: an unknown
        /// field (`wrkstream`) is an error listing the fields, and so is a field of another
        /// command's type (`weight` on a triage).
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawCommand {
            #[serde(rename = "type")]
            kind: CommandKind,
            $( $field: Option<field_types::$field>, )*
        }

        impl RawCommand {
            /// The first field given that its command's kind does not take.
            fn foreign(&self) -> Option<&'static str> {
                let allowed = fields_of(self.kind);
                [ $( (stringify!($field), self.$field.is_some()) ),* ]
                    .into_iter()
                    .find(|(f, given)| *given && !allowed.contains(f))
                    .map(|(f, _)| f)
            }
        }

        /// Every field a command may carry, by name.
        const FIELDS: &[&str] = &[ $( stringify!($field) ),* ];

        /// The fields a command of `kind` takes.
        fn fields_of(kind: CommandKind) -> &'static [&'static str] {
            match kind {
                $( CommandKind::$Variant => &[ $( $( stringify!($vfield) ),* )? ], )*
            }
        }

        impl From<RawCommand> for Command {
            fn from(r: RawCommand) -> Command {
                match r.kind {
                    $( CommandKind::$Variant => Command::$Variant $( { $( $vfield: r.$vfield ),* } )?, )*
                }
            }
        }

        impl Command {
            /// The command's kind.
            pub fn kind(&self) -> CommandKind {
                match self {
                    $( Command::$Variant { .. } => CommandKind::$Variant, )*
                }
            }

            /// The command of a kind with none of its inputs: what a step seen only as a label
            /// change (a tracker's history) is known to have been.
            ///
            /// ```
            /// use csops_core::workflow::{Command, CommandKind};
            /// assert_eq!(Command::bare(CommandKind::Decline), Command::Decline { reason: None });
            /// assert_eq!(Command::bare(CommandKind::Start).kind(), CommandKind::Start);
            /// ```
            pub fn bare(kind: CommandKind) -> Command {
                match kind {
                    $( CommandKind::$Variant => Command::$Variant $( { $( $vfield: None ),* } )?, )*
                }
            }
        }
    };
}

commands! {
    fields {
        /// The workstream a triage names.
        workstream: Workstream,
        /// A question for the requester.
        question: String,
        /// The requester's answer.
        answer: String,
        /// Why (a decline, a block, a waived review).
        reason: String,
        /// The team a transfer hands the request to.
        team: String,
        /// A weight (1, 3, 5, 7).
        weight: i64,
        /// An estimate in hours, mapped to a weight (SPEC §3).
        hours: f64,
        /// Who works the request.
        assignee: String,
        /// The peer reviewer.
        reviewer: String,
        /// The resolution summary.
        summary: String,
        /// When the review is due.
        due: DateTime<Utc>,
        /// What the reviewer asks to change.
        comment: String,
        /// The closing checklist.
        checklist: Checklist,
    }
    commands {
        /// New → Triage (lead): names the workstream.
        Triage {
            /// The workstream the lead names.
            workstream
        },
        /// → NeedMoreInfo: a question for the requester.
        RequestInfo {
            /// The question.
            question
        },
        /// NeedMoreInfo → Triage: the requester's (or lead's) answer.
        ProvideInfo {
            /// The answer.
            answer
        },
        /// NeedMoreInfo → InProcess (assignee).
        Resume,
        /// → WontDo (lead): closes the issue.
        Decline {
            /// Why it will not be done.
            reason
        },
        /// → Monitoring (lead): transferred to another team.
        Transfer {
            /// The team it went to.
            team
        },
        /// → Backlog (lead): not within the next 90 days.
        Defer,
        /// Triage → Unassigned (lead): agreed, no capacity.
        MarkUnassigned,
        /// Triage → ReadyForAssignment (lead): with a weight, or an estimate in hours.
        Ready {
            /// The weight (1, 3, 5, 7).
            weight,
            /// An estimate in hours, mapped to a weight (SPEC §3).
            hours
        },
        /// → InProcess (lead assigning, or a cs_ops member taking it).
        Start {
            /// Who works it (defaults to the actor when the actor is a cs_ops member).
            assignee,
            /// A weight, when none was set before.
            weight,
            /// An estimate in hours, instead of a weight.
            hours
        },
        /// Backlog / Unassigned → Triage (lead).
        Reprioritize,
        /// InProcess → Blocked (assignee): the blocker.
        Block {
            /// The blocker.
            reason
        },
        /// Blocked → InProcess (assignee).
        Unblock,
        /// InProcess → AwaitingFeedback (assignee): a peer reviewer and a resolution summary.
        RequestReview {
            /// The peer reviewer.
            reviewer,
            /// The resolution summary.
            summary,
            /// When the review is due (default: the configured number of business days).
            due
        },
        /// AwaitingFeedback → InProcess (peer reviewer): changes requested.
        RequestChanges {
            /// What to change.
            comment
        },
        /// The peer reviewer approves (state unchanged).
        ApproveReview,
        /// The assignee waives a *recommended* review, with a reason (state unchanged).
        WaiveReview {
            /// Why no review.
            reason
        },
        /// → Completed: the closing checklist.
        Complete {
            /// The checklist (absent = nothing done).
            checklist
        },
        /// Monitoring → Triage (lead): it came back.
        Return,
        /// Completed / WontDo → Triage (lead).
        Reopen,
        /// A workflow-label change the transition table does not allow, as a tracker's own
        /// history shows it (see [`crate::gitlab::reconstruct`]). It is never a rule of the
        /// table, so [`crate::Workflow::apply`] always rejects it; it exists so that a
        /// reconstructed history records what really happened.
        Relabel,
    }
}

impl RawCommand {
    /// The command, or which field given is not one of its type's.
    fn into_command(self) -> Result<Command, String> {
        if let Some(field) = self.foreign() {
            let allowed = fields_of(self.kind);
            let takes = if allowed.is_empty() {
                "it takes no fields".to_owned()
            } else {
                format!("its fields: {}", allowed.join(", "))
            };
            return Err(format!(
                "`{field}` is not a field of a {} command ({takes})",
                self.kind
            ));
        }
        Ok(Command::from(self))
    }
}

impl CommandKind {
    /// The name used in data (`"request_review"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawCommand::deserialize(d).and_then(|r| r.into_command().map_err(serde::de::Error::custom))
    }
}

/// What a command that did not read holds, read again structurally to word its error: its
/// `type`, when that reads, and the field given that its kind does not take, when the fields
/// read.
struct Shape {
    kind: Option<CommandKind>,
    foreign: Option<&'static str>,
}

impl Shape {
    fn of<'de, D>(de: D) -> Shape
    where
        D: serde::Deserializer<'de> + Clone,
    {
        let raw = RawCommand::deserialize(de.clone()).ok();
        Shape {
            kind: TypeOnly::deserialize(de).ok().map(|t| t.kind),
            foreign: raw.and_then(|r| r.foreign()),
        }
    }
}

fn command_error<E: std::fmt::Display>(
    e: serde_path_to_error::Error<E>,
    shape: Shape,
) -> CommandError {
    let (mut key, mut message) = crate::words::read_error(&e);
    // A field of another command's type is found once the type is known, at the command as a
    // whole: the key is that field.
    if let (".", Some(field)) = (key.as_str(), shape.foreign) {
        key = field.to_owned();
    }
    // An unknown field of a command whose type is known lists that type's own fields.
    let unknown = !key.contains(['.', '[']) && key != "type" && !FIELDS.contains(&key.as_str());
    if let (Some(kind), true) = (shape.kind, unknown) {
        let field = format!("unknown field {key:?}");
        message = match fields_of(kind) {
            [] => format!("{field}; a {kind} command takes no fields"),
            fields => format!(
                "{field}; a {kind} command's fields are {}",
                fields.join(", ")
            ),
        };
    }
    // A missing `type` is keyed `type` by its own path; a command that is no object at all, or
    // no JSON, is the command as a whole (`.`).
    CommandError { key, message }
}

/// A command's `type` alone, read to word an error about its other fields.
#[derive(Deserialize)]
struct TypeOnly {
    #[serde(rename = "type")]
    kind: CommandKind,
}

/// A command's free-text input that a rule of the table may require (SPEC §2's "what"), by
/// the name of its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Display, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TextInput {
    /// A request for information's question.
    Question,
    /// The requester's answer.
    Answer,
    /// Why (a decline, a block, a waived review).
    Reason,
    /// The team a transfer hands the request to.
    Team,
    /// A review request's summary.
    Summary,
    /// What the reviewer asks to change.
    Comment,
}

impl TextInput {
    /// The field's name (`"question"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl Command {
    /// Reads a command from JSON; the error names the key.
    pub fn from_json(text: &str) -> Result<Command, CommandError> {
        // Path tracking costs as much as the parse: only a failure pays for it, to name its key.
        serde_json::from_str(text).or_else(|_| {
            let de = &mut serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|e| match crate::json_syntax_error(text) {
                Some(message) => CommandError {
                    key: ".".to_owned(),
                    message,
                },
                None => {
                    // The text is JSON: read again as a value to see its shape.
                    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
                    command_error(e, Shape::of(&value))
                }
            })
        })
    }

    /// Reads a command from any serde deserializer that can be read twice (a JSON value, a
    /// binding's objects): one typed pass, and on a failure a second one that names the key.
    ///
    /// ```
    /// use csops_core::workflow::Command;
    /// let value = serde_json::json!({"type": "block", "reason": "waiting"});
    /// assert_eq!(Command::read(&value)?, Command::Block { reason: Some("waiting".into()) });
    /// let e = Command::read(&serde_json::json!({"type": "ready", "weight": "3"})).unwrap_err();
    /// assert_eq!(e.key, "weight");
    /// # Ok::<(), csops_core::workflow::CommandError>(())
    /// ```
    #[inline]
    pub fn read<'de, D>(de: D) -> Result<Command, CommandError>
    where
        D: serde::Deserializer<'de> + Clone,
        D::Error: std::fmt::Display,
    {
        match Command::deserialize(de.clone()) {
            Ok(c) => Ok(c),
            Err(_) => {
                let shape = Shape::of(de.clone());
                serde_path_to_error::deserialize(de).map_err(|e| command_error(e, shape))
            }
        }
    }

    /// The command as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The free-text input a command must carry, by field name, when it has one.
    pub(crate) fn text_input(&self, field: TextInput) -> Option<&str> {
        match (self, field) {
            (Command::RequestInfo { question }, TextInput::Question) => question.as_deref(),
            (Command::ProvideInfo { answer }, TextInput::Answer) => answer.as_deref(),
            (Command::Decline { reason }, TextInput::Reason)
            | (Command::Block { reason }, TextInput::Reason)
            | (Command::WaiveReview { reason }, TextInput::Reason) => reason.as_deref(),
            (Command::Transfer { team }, TextInput::Team) => team.as_deref(),
            (Command::RequestReview { summary, .. }, TextInput::Summary) => summary.as_deref(),
            (Command::RequestChanges { comment }, TextInput::Comment) => comment.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::Handbook;

    #[test]
    fn every_kind_parses_from_its_name() {
        for k in CommandKind::VARIANTS {
            let json = format!(r#"{{"type": "{k}"}}"#);
            let c = Command::from_json(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(c.kind(), *k);
            assert_eq!(Command::from_json(&c.to_json()).unwrap(), c);
        }
    }

    /// A command is typed by a user: a typo or a field of another command's type is an error
    /// naming the field and what the command takes, never silently dropped (issue 14).
    #[test]
    fn typos_and_fields_of_other_commands_are_errors() {
        let e = Command::from_json(r#"{"type": "triage", "wrkstream": "Digital"}"#).unwrap_err();
        assert_eq!(e.key, "wrkstream", "{e}");
        assert!(
            e.message == "unknown field \"wrkstream\"; a triage command's fields are workstream",
            "{e}"
        );
        let e = Command::from_json(r#"{"type": "triage", "weight": 3}"#).unwrap_err();
        assert_eq!(e.key, "weight", "{e}");
        assert!(
            e.message
                .contains("`weight` is not a field of a triage command (its fields: workstream)"),
            "{e}"
        );
        let e = Command::from_json(r#"{"type": "defer", "reason": "later"}"#).unwrap_err();
        assert!(e.message.contains("it takes no fields"), "{e}");
        // The closing checklist is typed too: an item it does not know is no undone item.
        let e =
            Command::from_json(r#"{"type": "complete", "checklist": {"handbok_updated": true}}"#)
                .unwrap_err();
        assert_eq!(e.key, "checklist.handbok_updated", "{e}");
        assert!(
            e.message
                .contains("the fields are handbook_updated, gainsight_changelog"),
            "{e}"
        );
        let e = Command::from_json(
            r#"{"type": "complete", "checklist": {"lead_informed": {"summry": "x"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.key, "checklist.lead_informed.summry", "{e}");
        // Every command's own fields are accepted.
        let full = Command::Start {
            assignee: Some("omar".into()),
            weight: Some(3),
            hours: None,
        };
        assert_eq!(Command::from_json(&full.to_json()).unwrap(), full);
    }

    #[test]
    fn bad_commands_name_the_key() {
        let e = Command::from_json(r#"{"type": "dance"}"#).unwrap_err();
        assert_eq!(e.key, "type");
        assert!(e.message.contains("dance"));
        let e = Command::from_json(r#"{"type": "ready", "weight": "three"}"#).unwrap_err();
        assert_eq!(e.key, "weight");
        let e = Command::from_json(r#"{"type": "triage", "workstream": "Support"}"#).unwrap_err();
        assert_eq!(e.key, "workstream");
        let e = Command::from_json(
            r#"{"type": "complete", "checklist": {"handbook_updated": "maybe"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.key, "checklist.handbook_updated");
        assert!(Command::from_json("[]").is_err());
        assert!(Command::from_json(r#"{"weight": 3}"#).is_err());
    }

    #[test]
    fn checklist_round_trips() {
        let json = r#"{"type":"complete","checklist":{"handbook_updated":"not_applicable","gainsight_changelog":true,"stakeholders_communicated":false,"lead_informed":{"summary":"s","next_steps":""}}}"#;
        let c = Command::from_json(json).unwrap();
        let Command::Complete {
            checklist: Some(cl),
        } = &c
        else {
            panic!("not a complete: {c:?}")
        };
        assert_eq!(cl.handbook_updated, Some(Handbook::NotApplicable));
        assert_eq!(c.to_json(), json);
        for (v, h) in [("true", Handbook::Updated), ("false", Handbook::NotUpdated)] {
            let c = Command::from_json(&format!(
                r#"{{"type":"complete","checklist":{{"handbook_updated":{v}}}}}"#
            ))
            .unwrap();
            assert!(
                matches!(c, Command::Complete { checklist: Some(Checklist { handbook_updated: Some(x), .. }) } if x == h)
            );
        }
    }
}
