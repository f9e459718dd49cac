//! The directory of people and their roles (SPEC §2 "Roles").
//!
//! ```
//! use csops_core::directory::{Directory, Role};
//! use csops_core::routing::Workstream;
//! let dir = Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)
//!     .unwrap();
//! assert_eq!(dir.lead_of(Workstream::Gainsight), Some("lena"));
//! assert!(dir.has_role("omar", Role::CsOps));
//! assert!(!dir.knows("zed"));
//! ```

use std::collections::BTreeMap;
use std::str::FromStr;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use strum::{EnumCount, VariantArray};

use crate::name::Name;
use crate::routing::Workstream;

/// A role a person holds (the per-request roles `requester`, `assignee` and `peer_reviewer` come
/// from the request, not from the directory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A CS Ops team member, who may be assigned requests.
    CsOps,
    /// May give the required Gainsight reviews (SPEC §4).
    GainsightAdmin,
    /// Leads one workstream.
    WorkstreamLead(Workstream),
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Role::CsOps => f.write_str("cs_ops"),
            Role::GainsightAdmin => f.write_str("gainsight_admin"),
            Role::WorkstreamLead(w) => write!(f, "workstream_lead:{w}"),
        }
    }
}

impl FromStr for Role {
    type Err = DirectoryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DirectoryError::UnknownRole {
            person: String::new(),
            role: s.to_owned(),
        };
        match s {
            "cs_ops" => Ok(Role::CsOps),
            "gainsight_admin" => Ok(Role::GainsightAdmin),
            _ => match s.split_once(':') {
                Some(("workstream_lead", ws)) => Workstream::parse(ws)
                    .map(Role::WorkstreamLead)
                    .map_err(|_| bad()),
                _ => Err(bad()),
            },
        }
    }
}

/// A directory that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// A role string that is not a role.
    #[error(
        "person {} has unknown role {}: roles are cs_ops, gainsight_admin and workstream_lead:<Workstream>",
        crate::words::Quoted(.person),
        crate::words::Quoted(.role)
    )]
    UnknownRole {
        /// The person.
        person: String,
        /// The role string.
        role: String,
    },
    /// Two leads for one workstream (each workstream has one lead, SPEC §5).
    #[error(
        "workstream {} has two leads, {} and {}; each workstream has one lead",
        .workstream.title(),
        crate::words::Quoted(.first),
        crate::words::Quoted(.second)
    )]
    TwoLeads {
        /// The workstream.
        workstream: Workstream,
        /// One lead.
        first: String,
        /// The other.
        second: String,
    },
    /// An empty or whitespace-only person name.
    #[error("the directory names a person {}: a person needs a non-empty name", crate::words::Quoted(.person))]
    EmptyName {
        /// The name.
        person: String,
    },
    /// The directory text is not a JSON object of person → list of role strings.
    #[error("directory is not valid JSON of the form {{\"person\": [\"role\", ...]}}: {message}")]
    Json {
        /// What the parser said.
        message: String,
    },
    /// Directory text that is not JSON at all.
    #[error("directory: {message}")]
    Syntax {
        /// What the parser said.
        message: String,
    },
    /// A directory given as a binding's objects that is not a map of person → list of role
    /// strings.
    #[error("directory must map each person to a list of role strings: {message}")]
    Shape {
        /// What the reader said.
        message: String,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Roles {
    cs_ops: bool,
    gainsight_admin: bool,
    /// Bit i set: leads `Workstream::VARIANTS[i]`.
    leads: u8,
}

/// People → roles. Each workstream has at most one lead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    people: FxHashMap<Name, Roles>,
    leads: [Option<Name>; Workstream::COUNT],
}

impl Directory {
    /// An empty directory.
    pub fn new() -> Directory {
        Directory::default()
    }

    /// Builds a directory from person → roles.
    pub fn from_roles<I, P, R>(entries: I) -> Result<Directory, DirectoryError>
    where
        I: IntoIterator<Item = (P, R)>,
        P: Into<String>,
        R: IntoIterator<Item = Role>,
    {
        let mut dir = Directory::new();
        for (person, roles) in entries {
            let person = person.into();
            for role in roles {
                dir.add(&person, role)?;
            }
            if person.trim().is_empty() {
                return Err(DirectoryError::EmptyName { person });
            }
            if !dir.knows(&person) {
                dir.people.insert(Name::from(person), Roles::default());
            }
        }
        Ok(dir)
    }

    /// Builds a directory from person → role strings (`"cs_ops"`, `"workstream_lead:Digital"`).
    pub fn from_role_names<I, P, R, S>(entries: I) -> Result<Directory, DirectoryError>
    where
        I: IntoIterator<Item = (P, R)>,
        P: Into<String>,
        R: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut parsed = Vec::new();
        for (person, roles) in entries {
            let person = person.into();
            let roles = roles
                .into_iter()
                .map(|r| {
                    r.as_ref()
                        .parse::<Role>()
                        .map_err(|_| DirectoryError::UnknownRole {
                            person: person.clone(),
                            role: r.as_ref().to_owned(),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            parsed.push((person, roles));
        }
        Directory::from_roles(parsed)
    }

    /// Parses `{"person": ["role", ...], ...}`.
    pub fn from_json(text: &str) -> Result<Directory, DirectoryError> {
        let map: BTreeMap<String, Vec<String>> =
            serde_json::from_str(text).map_err(|e| match crate::json_syntax_error(text) {
                Some(message) => DirectoryError::Syntax { message },
                None => DirectoryError::Json {
                    message: crate::words::bounded_message(crate::words::reader_words(
                        &e.to_string(),
                    )),
                },
            })?;
        Directory::from_role_names(map)
    }

    /// Reads `{"person": ["role", ...], ...}` from any serde deserializer (a binding's own
    /// objects).
    pub fn read<'de, D>(de: D) -> Result<Directory, DirectoryError>
    where
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        let map: BTreeMap<String, Vec<String>> =
            serde::Deserialize::deserialize(de).map_err(|e| DirectoryError::Shape {
                message: crate::words::bounded_message(crate::words::reader_words(&e.to_string())),
            })?;
        Directory::from_role_names(map)
    }

    /// Gives `person` a role.
    pub fn add(&mut self, person: &str, role: Role) -> Result<(), DirectoryError> {
        if person.trim().is_empty() {
            return Err(DirectoryError::EmptyName {
                person: person.to_owned(),
            });
        }
        if let Role::WorkstreamLead(ws) = role
            && let Some(Some(first)) = self.leads.get(ws as usize)
            && **first != *person
        {
            return Err(DirectoryError::TwoLeads {
                workstream: ws,
                first: first.to_string(),
                second: person.to_owned(),
            });
        }
        let name = match self.people.get_key_value(person) {
            Some((name, _)) => name.clone(),
            None => Name::from(person),
        };
        if let Role::WorkstreamLead(ws) = role
            && let Some(slot) = self.leads.get_mut(ws as usize)
        {
            *slot = Some(name.clone());
        }
        let entry = self.people.entry(name).or_default();
        match role {
            Role::CsOps => entry.cs_ops = true,
            Role::GainsightAdmin => entry.gainsight_admin = true,
            Role::WorkstreamLead(ws) => entry.leads |= 1 << ws as u8,
        }
        Ok(())
    }

    /// Whether the directory lists this person.
    pub fn knows(&self, person: &str) -> bool {
        self.people.contains_key(person)
    }

    /// The directory's own copy of a person's name, shared without copying (`None` for
    /// someone it does not list).
    pub fn name(&self, person: &str) -> Option<&Name> {
        self.people.get_key_value(person).map(|(name, _)| name)
    }

    /// Whether `person` holds `role`.
    pub fn has_role(&self, person: &str, role: Role) -> bool {
        self.people.get(person).is_some_and(|r| match role {
            Role::CsOps => r.cs_ops,
            Role::GainsightAdmin => r.gainsight_admin,
            Role::WorkstreamLead(ws) => r.leads & (1 << ws as u8) != 0,
        })
    }

    /// The lead of a workstream.
    pub fn lead_of(&self, workstream: Workstream) -> Option<&str> {
        self.leads
            .get(workstream as usize)
            .and_then(|l| l.as_deref())
    }

    /// The lead of a workstream, as the directory's shared name.
    pub fn lead_name(&self, workstream: Workstream) -> Option<&Name> {
        self.leads.get(workstream as usize).and_then(Option::as_ref)
    }

    /// A person's roles, in a stable order.
    pub fn roles(&self, person: &str) -> Vec<Role> {
        let Some(r) = self.people.get(person) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if r.cs_ops {
            out.push(Role::CsOps);
        }
        if r.gainsight_admin {
            out.push(Role::GainsightAdmin);
        }
        for ws in Workstream::VARIANTS {
            if r.leads & (1 << *ws as u8) != 0 {
                out.push(Role::WorkstreamLead(*ws));
            }
        }
        out
    }

    /// Everyone in the directory, sorted.
    pub fn people(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.people.keys().map(|p| &**p).collect();
        v.sort_unstable();
        v
    }

    /// person → role strings, sorted (the JSON form).
    pub fn to_role_names(&self) -> BTreeMap<String, Vec<String>> {
        self.people
            .keys()
            .map(|p| {
                (
                    p.to_string(),
                    self.roles(p).iter().map(Role::to_string).collect(),
                )
            })
            .collect()
    }
}

impl Serialize for Directory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_role_names().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Directory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, Vec<String>>::deserialize(d)?;
        Directory::from_role_names(map).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_print() {
        for s in [
            "cs_ops",
            "gainsight_admin",
            "workstream_lead:ROPS",
            "workstream_lead:Digital",
        ] {
            assert_eq!(s.parse::<Role>().unwrap().to_string(), s);
        }
        assert_eq!(
            "workstream_lead:Product Usage Reporting"
                .parse::<Role>()
                .unwrap(),
            Role::WorkstreamLead(Workstream::ProductUsageReporting)
        );
        for bad in [
            "admin",
            "workstream_lead:",
            "workstream_lead:Support",
            "lead:Digital",
            "",
        ] {
            assert!(bad.parse::<Role>().is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_role_names_the_person() {
        let e = Directory::from_json(r#"{"omar": ["cs_ops", "boss"]}"#).unwrap_err();
        assert_eq!(
            e,
            DirectoryError::UnknownRole {
                person: "omar".into(),
                role: "boss".into()
            }
        );
    }

    #[test]
    fn one_lead_per_workstream() {
        let e = Directory::from_json(
            r#"{"a": ["workstream_lead:Digital"], "b": ["workstream_lead:Digital"]}"#,
        )
        .unwrap_err();
        assert!(matches!(
            e,
            DirectoryError::TwoLeads {
                workstream: Workstream::Digital,
                ..
            }
        ));
        // The same person listed twice as lead is fine.
        let d = Directory::from_json(
            r#"{"a": ["workstream_lead:Digital", "workstream_lead:Digital", "cs_ops"]}"#,
        )
        .unwrap();
        assert_eq!(
            d.roles("a"),
            vec![Role::CsOps, Role::WorkstreamLead(Workstream::Digital)]
        );
    }

    #[test]
    fn bad_json_and_names() {
        assert!(matches!(
            Directory::from_json("[1]"),
            Err(DirectoryError::Json { .. })
        ));
        assert!(matches!(
            Directory::from_json(r#"{" ": ["cs_ops"]}"#),
            Err(DirectoryError::EmptyName { .. })
        ));
        assert!(matches!(
            Directory::from_json(r#"{"": []}"#),
            Err(DirectoryError::EmptyName { .. })
        ));
    }

    #[test]
    fn serde_round_trip() {
        let d = Directory::from_json(
            r#"{"gia": ["gainsight_admin", "cs_ops"], "lena": ["workstream_lead:Gainsight"], "rita": []}"#,
        )
        .unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Directory>(&json).unwrap(), d);
        assert!(d.knows("rita"));
        assert_eq!(d.people(), vec!["gia", "lena", "rita"]);
    }
}
