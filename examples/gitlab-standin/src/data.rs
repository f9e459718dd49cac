//! What the stand-in holds: projects, their issues as GitLab's REST objects, each issue's
//! resource label events and notes; loaded from an export folder or generated, and changed the
//! way GitLab changes them (a label move stamps the issue and, a few milliseconds later, its
//! events).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
use serde_json::{Value, json};

/// A project: its id and full path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Numeric id.
    pub id: u64,
    /// Full path, `group/project`.
    pub path: String,
}

/// An issue as the stand-in keeps it.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The REST object GitLab returns for it.
    pub json: Value,
    /// Its project.
    pub project_id: u64,
    /// Its iid.
    pub iid: u64,
    /// `updated_at`, in milliseconds since the epoch.
    pub updated_ms: i64,
    /// Its resource label events, oldest first.
    pub events: Vec<Event>,
    /// Comments posted to it.
    pub notes: Vec<String>,
}

/// A resource label event as GitLab returns it.
pub type Event = Value;

impl Issue {
    /// An issue from its REST object (its `project_id`, `iid` and `updated_at` read from it)
    /// and its label events.
    pub fn new(json: Value, events: Vec<Event>) -> Issue {
        Issue {
            project_id: json["project_id"].as_u64().unwrap_or(0),
            iid: json["iid"].as_u64().unwrap_or(0),
            updated_ms: json["updated_at"].as_str().and_then(millis).unwrap_or(0),
            json,
            events,
            notes: Vec::new(),
        }
    }
}

/// Everything the stand-in serves.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// The projects.
    pub projects: Vec<Project>,
    /// Every issue, by (project id, iid).
    pub issues: BTreeMap<(u64, u64), Issue>,
    next_event: u64,
    next_issue: u64,
}

/// The users the generator writes events as, and the offsets their times are written in.
const PEOPLE: [&str; 6] = ["lena", "omar", "gia", "rita", "sam", "pat"];
const OFFSETS: [i32; 4] = [-4 * 3600, 0, 5 * 3600 + 1800, 3600];
const WORKFLOW: [&str; 4] = [
    "CSOps::Triage",
    "CSOps::Ready_for_Assignment",
    "CSOps::In_Process",
    "CSOps::Completed",
];

/// A time as GitLab writes it, in the offset given (`Z` for UTC), with milliseconds.
pub fn time(ms: i64, offset_secs: i32) -> String {
    let utc = Utc.timestamp_millis_opt(ms).single().unwrap_or_default();
    let offset = FixedOffset::east_opt(offset_secs).unwrap_or(FixedOffset::east_opt(0).unwrap());
    utc.with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::Millis, offset_secs == 0)
}

/// A time GitLab wrote, in milliseconds since the epoch.
pub fn millis(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn user(name: &str) -> Value {
    let id = 100 + name.bytes().map(u64::from).sum::<u64>();
    json!({
        "id": id, "username": name, "name": name, "state": "active",
        "avatar_url": format!("https://gitlab.example.com/uploads/-/system/user/avatar/{id}/avatar.png"),
        "web_url": format!("https://gitlab.example.com/{name}"),
    })
}

fn label_id(name: &str) -> u64 {
    9000 + name.bytes().map(u64::from).sum::<u64>()
}

impl Data {
    /// A project's issues, and the events of each, read from an export folder (`issues.json`
    /// and `label_events/<iid>.json` or `label_events.json`).
    pub fn from_export(folder: &Path, project: Project) -> Result<Data, String> {
        let read = |p: &Path| -> Result<Value, String> {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
        };
        let issues = read(&folder.join("issues.json"))?;
        let mut events: BTreeMap<u64, Vec<Value>> = BTreeMap::new();
        let dir = folder.join("label_events");
        if dir.is_dir() {
            for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
                let path = entry.map_err(|e| e.to_string())?.path();
                let iid = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .and_then(|s| s.parse().ok());
                if let (Some(iid), Value::Array(list)) = (iid, read(&path)?) {
                    events.insert(iid, list);
                }
            }
        } else if let Value::Object(by) = read(&folder.join("label_events.json"))? {
            for (k, v) in by {
                if let (Ok(iid), Value::Array(list)) = (k.parse(), v) {
                    events.insert(iid, list);
                }
            }
        }
        let mut data = Data {
            projects: vec![project.clone()],
            ..Data::default()
        };
        for issue in issues.as_array().ok_or("issues.json: not a list")? {
            let iid = issue["iid"].as_u64().ok_or("an issue without iid")?;
            let mut json = issue.clone();
            json["project_id"] = json!(project.id);
            let list = events.remove(&iid).unwrap_or_default();
            for e in &list {
                data.next_event = data.next_event.max(e["id"].as_u64().unwrap_or(0) + 1);
            }
            data.next_issue = data.next_issue.max(issue["id"].as_u64().unwrap_or(0) + 1);
            data.issues
                .insert((project.id, iid), Issue::new(json, list));
        }
        Ok(data)
    }

    /// Writes every issue and its label events as an export folder made by hand: `issues.json`
    /// (a list of REST issues) and `label_events/<iid>.json` (one project's data only).
    pub fn write_export(&self, folder: &Path) -> Result<(), String> {
        let events_dir = folder.join("label_events");
        std::fs::create_dir_all(&events_dir).map_err(|e| e.to_string())?;
        let issues: Vec<&Value> = self.issues.values().map(|i| &i.json).collect();
        let text = serde_json::to_string_pretty(&issues).map_err(|e| e.to_string())?;
        std::fs::write(folder.join("issues.json"), text).map_err(|e| e.to_string())?;
        for i in self.issues.values() {
            let text = serde_json::to_string_pretty(&i.events).map_err(|e| e.to_string())?;
            std::fs::write(events_dir.join(format!("{}.json", i.iid)), text)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The project with this id or full path.
    pub fn project(&self, key: &str) -> Option<&Project> {
        self.projects
            .iter()
            .find(|p| p.path == key || key.parse() == Ok(p.id))
    }

    /// Moves an issue's labels as a person does in GitLab's UI at `now_ms`: the issue's
    /// `updated_at` is `now_ms`, each label event is stamped 3 ms later. Returns whether the
    /// issue exists.
    pub fn relabel(
        &mut self,
        project_id: u64,
        iid: u64,
        add: &[&str],
        remove: &[&str],
        by: &str,
        now_ms: i64,
    ) -> bool {
        let mut next_event = self.next_event;
        let Some(issue) = self.issues.get_mut(&(project_id, iid)) else {
            return false;
        };
        let offset = offset_of(&issue.json["updated_at"]);
        let mut labels: Vec<String> = issue.json["labels"]
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let stamp = time(now_ms + 3, offset);
        let resource = issue.json["id"].clone();
        for (names, action) in [(remove, "remove"), (add, "add")] {
            for name in names {
                let had = labels.iter().any(|l| l == name);
                if (action == "add") == had {
                    continue;
                }
                if action == "add" {
                    labels.push((*name).to_owned());
                } else {
                    labels.retain(|l| l != name);
                }
                issue.events.push(json!({
                    "id": next_event, "user": user(by), "created_at": stamp,
                    "resource_type": "Issue", "resource_id": resource,
                    "label": {"id": label_id(name), "name": name, "color": "#428BCA", "description": null},
                    "action": action,
                }));
                next_event += 1;
            }
        }
        issue.json["labels"] = json!(labels);
        issue.json["updated_at"] = json!(time(now_ms, offset));
        issue.updated_ms = now_ms;
        self.next_event = next_event;
        true
    }

    /// Deletes an issue (GitLab lists no deletion: it is simply gone).
    pub fn delete(&mut self, project_id: u64, iid: u64) -> bool {
        self.issues.remove(&(project_id, iid)).is_some()
    }

    /// Closes or reopens an issue at `now_ms`.
    pub fn set_open(&mut self, project_id: u64, iid: u64, open: bool, now_ms: i64) -> bool {
        let Some(issue) = self.issues.get_mut(&(project_id, iid)) else {
            return false;
        };
        let offset = offset_of(&issue.json["updated_at"]);
        issue.json["state"] = json!(if open { "opened" } else { "closed" });
        issue.json["closed_at"] = if open {
            Value::Null
        } else {
            json!(time(now_ms, offset))
        };
        issue.json["updated_at"] = json!(time(now_ms, offset));
        issue.updated_ms = now_ms;
        true
    }

    /// Moves an issue to another project as GitLab does: a new issue there (a new id and iid,
    /// the same labels, no label events of its past), the old one closed with `moved_to_id`.
    pub fn move_issue(&mut self, project_id: u64, iid: u64, to: u64, now_ms: i64) -> Option<u64> {
        let old = self.issues.get(&(project_id, iid))?.clone();
        let new_iid = self
            .issues
            .keys()
            .filter(|(p, _)| *p == to)
            .map(|(_, i)| i + 1)
            .max()
            .unwrap_or(1);
        let id = self.next_issue.max(1_000_000);
        self.next_issue = id + 1;
        let offset = offset_of(&old.json["updated_at"]);
        let mut json = old.json.clone();
        json["id"] = json!(id);
        json["iid"] = json!(new_iid);
        json["project_id"] = json!(to);
        json["created_at"] = json!(time(now_ms, offset));
        json["updated_at"] = json!(time(now_ms, offset));
        if let Some(p) = self.projects.iter().find(|p| p.id == to) {
            json["references"] = json!({"short": format!("#{new_iid}"), "relative": format!("#{new_iid}"), "full": format!("{}#{new_iid}", p.path)});
        }
        self.issues
            .insert((to, new_iid), Issue::new(json, Vec::new()));
        self.set_open(project_id, iid, false, now_ms);
        let issue = self.issues.get_mut(&(project_id, iid))?;
        issue.json["moved_to_id"] = json!(id);
        Some(new_iid)
    }
}

fn offset_of(t: &Value) -> i32 {
    t.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.offset().local_minus_utc())
        .unwrap_or(0)
}

/// A project of `issues` generated issues (seeded: the same seed, the same data), each with
/// about `events` label events moving it through the CS Ops workflow — every 40th with three
/// times as many, past one page of 100 at GitLab's largest page — plus, as GitLab holds them:
/// events of a deleted label (`label: null`), a moved issue, weights null and out of 1/3/5/7,
/// times in several offsets.
pub fn generate(project: Project, issues: u64, events: usize, seed: u64) -> Data {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut data = Data {
        projects: vec![project.clone()],
        ..Data::default()
    };
    let start = Utc
        .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .unwrap()
        .timestamp_millis();
    let mut event_id = 80_000;
    for iid in 1..=issues {
        let offset = OFFSETS[rng.usize(..OFFSETS.len())];
        let created = start + iid as i64 * 3_600_000 + rng.i64(0..1000);
        let author = PEOPLE[rng.usize(..PEOPLE.len())];
        let count = if iid % 40 == 0 {
            events * 3
        } else {
            events.saturating_sub(3) + rng.usize(..7)
        };
        let id = 50_000 + iid;
        let mut list = Vec::with_capacity(count);
        let mut at = created;
        let mut labels: Vec<String> = Vec::new();
        let mut push =
            |name: Option<&str>, action: &str, by: &str, at: i64, list: &mut Vec<Value>| {
                let label = name.map_or(
                Value::Null,
                |n| json!({"id": label_id(n), "name": n, "color": "#428BCA", "description": null}),
            );
                list.push(json!({
                    "id": event_id, "user": user(by), "created_at": time(at, offset),
                    "resource_type": "Issue", "resource_id": id, "label": label, "action": action,
                }));
                event_id += 1;
            };
        push(Some("CSOps"), "add", author, at, &mut list);
        labels.push("CSOps".into());
        let mut step = 0usize;
        while list.len() < count {
            at += rng.i64(60_000..36_000_000);
            let by = PEOPLE[rng.usize(..PEOPLE.len())];
            if rng.u8(..20) == 0 {
                push(None, "add", by, at, &mut list); // a label since deleted
                continue;
            }
            let from = WORKFLOW[step % WORKFLOW.len()];
            let to = WORKFLOW[(step + 1) % WORKFLOW.len()];
            if step > 0 {
                push(Some(from), "remove", by, at, &mut list);
                labels.retain(|l| l != from);
            }
            push(Some(to), "add", by, at, &mut list);
            labels.push(to.to_owned());
            step += 1;
        }
        let updated = at - 3; // the events a few ms after the issue's updated_at
        let weight = match rng.u8(..10) {
            0 => Value::Null,
            1 => json!(4),
            _ => json!([1, 3, 5, 7][rng.usize(..4)]),
        };
        let closed = labels.iter().any(|l| l == "CSOps::Completed");
        let json = json!({
            "id": id, "iid": iid, "project_id": project.id,
            "title": format!("Request {iid}"), "description": null,
            "state": if closed { "closed" } else { "opened" },
            "created_at": time(created, offset), "updated_at": time(updated, offset),
            "closed_at": if closed { json!(time(updated, offset)) } else { Value::Null },
            "closed_by": if closed { user(author) } else { Value::Null },
            "labels": labels, "milestone": null,
            "assignees": [user(PEOPLE[(iid as usize) % PEOPLE.len()])],
            "assignee": user(PEOPLE[(iid as usize) % PEOPLE.len()]),
            "author": user(author), "type": "ISSUE", "issue_type": "issue",
            "user_notes_count": 0, "merge_requests_count": 0, "upvotes": 0, "downvotes": 0,
            "due_date": null, "confidential": false, "discussion_locked": null,
            "web_url": format!("https://gitlab.example.com/{}/-/issues/{iid}", project.path),
            "time_stats": {"time_estimate": 0, "total_time_spent": 0, "human_time_estimate": null, "human_total_time_spent": null},
            "task_completion_status": {"count": 0, "completed_count": 0},
            "weight": weight, "has_tasks": false,
            "references": {"short": format!("#{iid}"), "relative": format!("#{iid}"), "full": format!("{}#{iid}", project.path)},
            "severity": "UNKNOWN", "moved_to_id": null, "service_desk_reply_to": null,
        });
        data.issues
            .insert((project.id, iid), Issue::new(json, list));
    }
    data.next_event = event_id;
    data.next_issue = 50_001 + issues;
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_gitlab_writes_them() {
        let ms = millis("2019-07-17T09:53:48.937-04:00").unwrap();
        assert_eq!(time(ms, -4 * 3600), "2019-07-17T09:53:48.937-04:00");
        assert_eq!(time(ms, 0), "2019-07-17T13:53:48.937Z");
    }

    #[test]
    fn a_move_stamps_the_issue_then_its_events() {
        let p = Project {
            id: 7,
            path: "cs/requests".into(),
        };
        let mut d = generate(p, 3, 20, 1);
        let now = millis("2026-12-07T10:00:00Z").unwrap();
        assert!(d.relabel(
            7,
            2,
            &["CSOps::Triage"],
            &["CSOps::Completed", "CSOps::In_Process"],
            "lena",
            now
        ));
        let i = &d.issues[&(7, 2)];
        let last = i.events.last().unwrap();
        assert_eq!(millis(last["created_at"].as_str().unwrap()), Some(now + 3));
        assert_eq!(i.updated_ms, now);
        let moved = d.move_issue(7, 2, 7, now + 10).unwrap();
        assert_eq!(moved, 4);
        assert_eq!(d.issues[&(7, 2)].json["state"], "closed");
        assert!(d.issues[&(7, 2)].json["moved_to_id"].is_u64());
    }
}
