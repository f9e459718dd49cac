#!/usr/bin/env python3
"""Writes the GitLab sample exports. The clean one, examples/gitlab-export/: issues.json (GET /projects/:id/issues),
label_events/<iid>.json (GET .../issues/:iid/resource_label_events), directory.json, and
planted.json — the process violations planted on purpose, which the tests expect the audit to find
(and nothing else). Then the wild one, examples/gitlab-wild/ (scripts/gitlab_wild.py): a mixed
project as GET /projects/:id/issues returns it. Deterministic: run it again and nothing changes.

    python3 scripts/gitlab_sample.py
"""
import json
import os
import sys
from datetime import datetime, timedelta, timezone

OUT = os.path.join(os.path.dirname(__file__), "..", "examples", "gitlab-export")
sys.path.insert(0, os.path.dirname(__file__))
PROJECT = 4417
DIRECTORY = {
    "lena": ["workstream_lead:Gainsight"], "dev": ["workstream_lead:Digital"],
    "sam": ["workstream_lead:Scale", "cs_ops"], "rosa": ["workstream_lead:ROPS"],
    "priya": ["workstream_lead:ProductUsageReporting"], "ana": ["workstream_lead:Analytics"],
    "tom": ["workstream_lead:TechnicalWriting"], "omar": ["cs_ops"], "pat": ["cs_ops"],
    "kai": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"],
}
TEAM = {"Gainsight": ("Gainsight", "lena"), "Digital": ("CS Programs", "dev"),
        "ROPS": ("CS RenewalOps", "rosa"), "PUR": ("CS Product Usage Reporting", "priya"),
        "Analytics": ("CS Analytics", "ana"), "TW": ("CS Ops Technical Writing", "tom"),
        "Scale": ("CSOps - Scale", "sam")}
LABEL = {"Triage": "CSOps::Triage", "NeedMoreInfo": "CSOps::Need_More_Info",
         "Ready": "CSOps::Ready_for_Assignment", "Unassigned": "CSOps::Unassigned",
         "Backlog": "CSOps::Backlog", "InProcess": "CSOps::In_Process",
         "Blocked": "CSOps::Blocked", "Feedback": "CSOps::Awaiting Feedback",
         "Monitoring": "CSOps::Monitoring", "WontDo": "CSOps::Won't Do",
         "Completed": "CSOps::Completed"}
LABEL_IDS = {}
USER_IDS = {}
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def ts(t, ms=True):
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (".%03dZ" % (t.microsecond // 1000) if ms else "Z")


def user(name):
    uid = USER_IDS.setdefault(name, 100 + len(USER_IDS))
    return {"id": uid, "username": name, "name": name.replace(".", " ").title(), "state": "active",
            "avatar_url": f"https://gitlab.example.com/uploads/-/system/user/avatar/{uid}/avatar.png",
            "web_url": f"https://gitlab.example.com/{name}"}


def label_obj(name):
    lid = LABEL_IDS.setdefault(name, 9000 + len(LABEL_IDS))
    return {"id": lid, "name": name, "color": "#428BCA", "description": None}


class Issue:
    def __init__(self, iid, title, author, team, created, assignee=None, weight=None,
                 extra=(), milestone=None):
        self.iid, self.title, self.author, self.created = iid, title, author, created
        self.team = team
        self.assignee, self.weight, self.milestone = assignee, weight, milestone
        self.labels, self.events = [], []
        self.closed_at = self.closed_by = None
        self.t = created
        self.add(author, created, "CSOps", TEAM[team][0], *extra)

    def _event(self, who, at, name, action):
        self.events.append({"id": 70000 + self.iid * 100 + len(self.events), "user": user(who),
                            "created_at": ts(at), "resource_type": "Issue",
                            "resource_id": 50000 + self.iid, "label": label_obj(name),
                            "action": action})

    def add(self, who, at, *names):
        for n in names:
            self.labels.append(n)
            self._event(who, at, n, "add")

    def remove(self, who, at, *names):
        for n in names:
            self.labels.remove(n)
            self._event(who, at, n, "remove")

    def move(self, who, hours, state, label=None):
        """GitLab's scoped-label semantics: the new label displaces any of its scope."""
        self.t += timedelta(hours=hours)
        new = label or LABEL[state]
        scope = new.rsplit("::", 1)[0]
        old = [l for l in self.labels if "::" in l and l.rsplit("::", 1)[0] == scope]
        self.add(who, self.t, new)
        self.remove(who, self.t, *old)
        if state in ("Completed", "WontDo"):
            self.closed_at, self.closed_by = self.t, who
        elif self.closed_at and state == "Triage":
            self.closed_at = self.closed_by = None
        return self

    def close(self, who, hours):
        self.t += timedelta(hours=hours)
        self.closed_at, self.closed_by = self.t, who
        return self

    def rest(self):
        wl = [l for l in self.labels]
        ms = None
        if self.milestone:
            title, start, due = self.milestone
            ms = {"id": 300 + int(title[-1]), "iid": int(title[-1]), "project_id": PROJECT,
                  "title": title, "description": "", "state": "active", "start_date": start,
                  "due_date": due, "created_at": "2025-12-15T10:00:00.000Z",
                  "updated_at": "2025-12-15T10:00:00.000Z",
                  "web_url": f"https://gitlab.example.com/cs-ops/requests/-/milestones/{title[-1]}"}
        assignees = [user(self.assignee)] if self.assignee else []
        return {
            "id": 50000 + self.iid, "iid": self.iid, "project_id": PROJECT, "title": self.title,
            "description": f"Request: {self.title.lower()}.", "state": "closed" if self.closed_at else "opened",
            "created_at": ts(self.created), "updated_at": ts(self.t),
            "closed_at": ts(self.closed_at) if self.closed_at else None,
            "closed_by": user(self.closed_by) if self.closed_by else None,
            "labels": wl, "milestone": ms, "assignees": assignees,
            "assignee": assignees[0] if assignees else None, "author": user(self.author),
            "type": "ISSUE", "user_notes_count": 2, "merge_requests_count": 0, "upvotes": 0,
            "downvotes": 0, "due_date": None, "confidential": False, "discussion_locked": None,
            "issue_type": "issue", "web_url": f"https://gitlab.example.com/cs-ops/requests/-/issues/{self.iid}",
            "time_stats": {"time_estimate": 0, "total_time_spent": 0, "human_time_estimate": None,
                           "human_total_time_spent": None},
            "task_completion_status": {"count": 0, "completed_count": 0},
            "weight": self.weight, "has_tasks": False,
            "_links": {"self": f"https://gitlab.example.com/api/v4/projects/{PROJECT}/issues/{self.iid}"},
            "references": {"short": f"#{self.iid}", "relative": f"#{self.iid}", "full": f"cs-ops/requests#{self.iid}"},
            "severity": "UNKNOWN", "moved_to_id": None, "service_desk_reply_to": None,
        }


def day(d, h=9, m=0):
    return T0 + timedelta(days=d, hours=h - 9, minutes=m)


REQUESTERS = ["rita", "li.wei", "fatima", "noah", "ines", "jonas", "maya"]
M1 = ("CS Ops 2026-Q1 M1", "2026-01-05", "2026-02-06")
M2 = ("CS Ops 2026-Q1 M2", "2026-02-09", "2026-03-13")
issues, planted = [], []


def plant(iid, rule, actor, step_note):
    planted.append({"iid": iid, "rule": rule, "actor": actor, "note": step_note, "audit": True})


def full(i, title, team, created, assignee, weight, review=False, reviewer="gia", extra=(), ms=None):
    lead = TEAM[team][1]
    x = Issue(i, title, REQUESTERS[i % len(REQUESTERS)], team, created, assignee, weight, extra, ms)
    x.move(lead, 20, "Triage").move(lead, 4, "Ready").move(assignee, 30, "InProcess")
    if review:
        x.move(assignee, 50, "Feedback").move(assignee, 26, "Completed")
    else:
        x.move(assignee, 40, "Completed")
    return x


# Clean, finished work.
issues.append(full(101, "Create CTA rule for low product usage", "Gainsight", day(0), "omar", 5, review=True))
issues.append(full(102, "Update renewal forecast dashboard", "ROPS", day(1), "pat", 3))
issues.append(full(103, "Add NPS survey fields to the Company object", "Gainsight", day(2, 11), "kai", 7, review=True))
issues.append(full(104, "Refresh CS handbook page on health scores", "TW", day(3), "pat", 1))
issues.append(full(105, "Digital onboarding email sequence for SMB", "Digital", day(7), "kai", 5))
issues.append(full(106, "Product usage report for Ultimate trials", "PUR", day(8), "omar", 3))
issues.append(full(107, "Churn analysis for Q4 cohort", "Analytics", day(9), "pat", 7))
issues.append(full(108, "Connector job for Salesforce opportunities", "Gainsight", day(14), "omar", 5, review=True))
issues.append(full(109, "Scale CSM playbook for stage adoption", "Scale", day(15), "sam", 3))
issues.append(full(110, "Renewal risk export for RenewalOps", "ROPS", day(21), "kai", 1))
issues.append(full(111, "Combine duplicate success plan rules", "Gainsight", day(22), "pat", 5, review=True, extra=("Gainsight: Feature Request",)))
issues.append(full(112, "Adoption dashboard for the Digital program", "Digital", day(28), "omar", 3))
# Clean, still open.
x = Issue(113, "Health score weights review", "ana", "Analytics", day(35), "pat", 5)
issues.append(x.move("ana", 6, "Triage").move("ana", 2, "Ready").move("pat", 24, "InProcess"))
x = Issue(114, "Timeline entry template for EBRs", "rita", "Gainsight", day(36), "kai", 3)
issues.append(x.move("lena", 3, "Triage").move("lena", 1, "Ready").move("kai", 20, "InProcess").move("kai", 30, "Blocked"))
x = Issue(115, "Usage ping gaps for self-managed", "li.wei", "PUR", day(37), "omar", 5)
issues.append(x.move("priya", 4, "Triage").move("priya", 2, "NeedMoreInfo").move("li.wei", 26, "Triage").move("priya", 3, "Ready").move("omar", 20, "InProcess").move("omar", 48, "Blocked").move("omar", 30, "InProcess"))
x = Issue(116, "Renewal playbook for PubSec accounts", "fatima", "ROPS", day(38), None, None, ("CSOps - PubSec",))
issues.append(x.move("rosa", 5, "Triage").move("rosa", 1, "Backlog"))
x = Issue(117, "Translate onboarding guide", "noah", "TW", day(42), None, None)
issues.append(x.move("tom", 5, "Triage").move("tom", 2, "Unassigned"))
x = Issue(118, "Gainsight scorecard for partner accounts", "ines", "Gainsight", day(43), "gia", 5)
issues.append(x.move("lena", 4, "Triage").move("lena", 1, "Ready").move("gia", 20, "InProcess").move("gia", 40, "Feedback"))
x = Issue(119, "Decommission legacy CTA types", "jonas", "Gainsight", day(44), None, None)
issues.append(x.move("lena", 6, "Triage").move("lena", 2, "Monitoring"))
x = Issue(120, "SMB webinar series calendar", "maya", "Digital", day(45), None, None)
issues.append(x.move("dev", 6, "Triage").move("dev", 2, "WontDo"))
x = Issue(121, "Executive sponsor field on Company", "rita", "Gainsight", day(49), "omar", 3, milestone=M2)
issues.append(x.move("lena", 4, "Triage").move("lena", 1, "Ready").move("omar", 3, "InProcess", ))
issues[-1].add("omar", issues[-1].t, "CSOps - Interrupt")
x = Issue(122, "Quarterly churn deck numbers", "li.wei", "Analytics", day(56), None, None)
issues.append(x)  # New, never triaged: the untriaged SLA
x = Issue(123, "Support ticket volume by segment", "fatima", "Analytics", day(60), None, None)
issues.append(x.move("ana", 20, "Triage"))
x = Issue(124, "Review of the Scale email cadence", "noah", "Scale", day(40), "sam", 3)
issues.append(x.move("sam", 5, "Triage").move("sam", 1, "Ready").move("sam", 20, "InProcess").move("sam", 20, "Feedback"))
x = Issue(125, "Reopened: renewal alert thresholds", "ines", "ROPS", day(10), "pat", 1)
x.move("rosa", 4, "Triage").move("rosa", 1, "Ready").move("pat", 20, "InProcess").move("pat", 10, "Completed")
issues.append(x.move("rosa", 100, "Triage").move("rosa", 2, "Ready").move("pat", 20, "InProcess"))

# Planted violations.
x = Issue(130, "Change the onboarding CTA rule", "jonas", "Gainsight", day(16), "kai", 3)
issues.append(x.move("lena", 5, "Triage").move("lena", 1, "Ready").move("kai", 20, "InProcess").move("kai", 30, "Completed"))
plant(130, "skipped_peer_review", "kai", "In_Process -> Completed on a Gainsight issue")
x = Issue(131, "License utilisation report", "maya", "PUR", day(17), None, 3)
issues.append(x.move("priya", 5, "Triage").move("priya", 1, "Ready").move("priya", 20, "InProcess"))
plant(131, "no_assignee", "priya", "In_Process with nobody assigned")
x = Issue(132, "Fix typo in renewal handbook", "rita", "TW", day(18), "pat", 1)
issues.append(x.move("tom", 5, "Triage").move("tom", 1, "Ready").move("pat", 20, "InProcess").close("pat", 10))
plant(132, "closed_without_outcome", "pat", "closed while In_Process (closed_by names who)")
x = Issue(133, "Survey response sync to Snowflake", "li.wei", "Analytics", day(19), "omar", 5)
x.move("ana", 5, "Triage").move("ana", 1, "Ready").move("omar", 20, "InProcess")
x.move("omar", 30, "Feedback", label="CS Ops::Awaiting Feedback")  # an alias of another scope
issues.append(x)
x.t += timedelta(hours=2)
x.remove("omar", x.t, "CSOps::In_Process")
plant(133, "two_workflow_labels", "omar", "CS Ops::Awaiting Feedback next to CSOps::In_Process")
x = Issue(134, "Account hierarchy cleanup", "fatima", "Scale", day(23), "sam", 5)
issues.append(x.move("sam", 5, "Triage").move("sam", 3, "InProcess").move("sam", 40, "Completed"))
plant(134, "invalid_transition", "sam", "Triage -> In_Process skips Ready_for_Assignment")
x = Issue(135, "Customer journey stage definitions", "noah", "Digital", day(24), "kai", 3)
issues.append(x.move("noah", 1, "Triage").move("dev", 5, "Ready").move("kai", 20, "InProcess"))
plant(135, "not_permitted", "noah", "the requester triaged their own request")
x = Issue(136, "Gainsight permission bundle for CSMs", "ines", "Gainsight", day(25), "omar", None)
issues.append(x.move("lena", 4, "Triage").move("lena", 1, "Ready").move("omar", 20, "InProcess"))
plant(136, "no_weight", "lena", "Ready_for_Assignment with no weight")
plant(136, "no_weight", "omar", "In_Process with no weight")
x = Issue(137, "Merge the two renewal trackers", "maya", "ROPS", day(26), "pat", 3)
x.move("rosa", 5, "Triage").move("rosa", 1, "Ready").move("pat", 20, "InProcess")
issues.append(x.move("pat", 30, "Feedback", label="CS Ops::Awaiting Feedback"))
planted.append({"iid": 137, "rule": "two_workflow_labels", "actor": None, "audit": False,
                "note": "still carries two workflow labels: its state is undecided; the export's audit and the board list it"})



def write_clean():
    issues.sort(key=lambda i: i.iid)
    os.makedirs(os.path.join(OUT, "label_events"), exist_ok=True)
    with open(os.path.join(OUT, "issues.json"), "w") as f:
        json.dump([i.rest() for i in issues], f, indent=1, ensure_ascii=False)
        f.write("\n")
    for i in issues:
        with open(os.path.join(OUT, "label_events", f"{i.iid}.json"), "w") as f:
            json.dump(i.events, f, indent=1, ensure_ascii=False)
            f.write("\n")
    with open(os.path.join(OUT, "directory.json"), "w") as f:
        json.dump(DIRECTORY, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "planted.json"), "w") as f:
        json.dump({"as_of": "2026-03-16T09:00:00Z", "violations": planted}, f, indent=1)
        f.write("\n")
    print(f"{len(issues)} issues, {sum(len(i.events) for i in issues)} label events -> {OUT}")


write_clean()
import gitlab_wild  # noqa: E402  (the mixed project, written after the clean sample)
gitlab_wild.write(Issue, user, ts, DIRECTORY, TEAM, LABEL)
