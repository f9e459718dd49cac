"""The wild GitLab export, examples/gitlab-wild/: one project as `GET /projects/:id/issues` returns
it, CS Ops requests among everybody else's issues (SPEC §7 "Data as GitLab holds it"). Written by
scripts/gitlab_sample.py after the clean sample; deterministic (a seeded generator).

What is in it: more than a third of the issues are not CS Ops requests (engineering work with
`workflow::` and `priority::` scoped labels, weights GitLab allows and the handbook does not,
several assignees); label events whose label was deleted since (`label: null`); a bot's events
in the same second as a person's; unicode titles and long descriptions; issues that gained `CSOps`
after they were created, and one that lost it. The problems planted on purpose are listed in
planted.json, and the tests expect the audit to report exactly those:

- `violations`: (iid, rule, actor) the audit finds (actor null for what the issue holds now);
- `undecided`: the issues carrying two workflow labels (audited with no state);
- `unmanaged`: how many issues are not CS Ops requests;
- `sla_breaches`: (iid, kind) of every SLA breach as of `as_of`.

Files: issues.json, label_events.json (an object from iid to that issue's label events),
directory.json, planted.json.
"""
import json
import os
import random
from datetime import datetime, timedelta, timezone

OUT = os.path.join(os.path.dirname(__file__), "..", "examples", "gitlab-wild")
AS_OF = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
ENGINEERS = ["eng.ada", "eng.bo", "eng.chen", "eng.dara", "eng.émile", "eng.yūki"]
BOT = "gitlab-bot"
ODD_WEIGHTS = [0, 2, 4, 6, 8, 9, 10, 13, 20, 40]
OTHER_SCOPED = ["workflow::in dev", "workflow::ready for review", "workflow::verification",
                "priority::1", "priority::2", "priority::3", "severity::2", "type::bug"]
PLAIN = ["bug", "feature", "frontend", "backend", "documentation", "tech debt", "🚀 launch",
         "Ünïcode-label", "数据"]
TITLES = ["Fix the export of 数据 dashboards", "Café onboarding — naïve résumé parser",
          "Migrate the 🚀 release checklist", "Ünïcode in account names breaks search",
          "Speed up the renewal sync", "Crash on empty CSV", "Add SSO for the partner portal"]
LONG = ("Steps to reproduce, logs and context. " * 40 + "Ünïcödé ✓ 数据 🚀\n") * 6


def write(Issue, user, ts, directory, team, label):
    rng = random.Random(13)
    issues, planted = [], {"violations": [], "undecided": [], "sla_breaches": []}

    class Wild(Issue):
        """An issue of the mixed project: any labels at creation, several assignees."""

        def __init__(self, iid, title, author, created, labels, assignees=(), weight=None,
                     description=""):
            self.iid, self.title, self.author, self.created = iid, title, author, created
            self.team = None
            self.assignees, self.weight, self.milestone = list(assignees), weight, None
            self.assignee = self.assignees[0] if self.assignees else None
            self.description = description
            self.labels, self.events = [], []
            self.closed_at = self.closed_by = None
            self.t = created
            self.add(author, created, *labels)

        def deleted(self, who, hours):
            """A label added, then deleted from the project: its events keep `label: null`,
            and the issue no longer carries it."""
            self.t += timedelta(hours=hours)
            self.events.append({"id": 90000 + self.iid * 100 + len(self.events),
                                "user": user(who), "created_at": ts(self.t),
                                "resource_type": "Issue", "resource_id": 50000 + self.iid,
                                "label": None, "action": "add"})
            return self

        def bot_same_second(self, name):
            """A bot's label change in the same second as the last person's."""
            self.add(BOT, self.t, name)
            return self

        def rest(self):
            out = super().rest()
            people = [user(a) for a in self.assignees]
            out["assignees"], out["assignee"] = people, (people[0] if people else None)
            out["description"] = self.description
            return out

    def at(day, hours=0):
        return START + timedelta(days=day, hours=hours)

    iid = 1000

    def next_iid():
        nonlocal iid
        iid += 1
        return iid

    def violation(n, rule, actor):
        planted["violations"].append({"iid": n, "rule": rule, "actor": actor})

    # Everybody else's issues: not CS Ops requests, whatever they carry.
    for k in range(130):
        n = next_iid()
        labels = rng.sample(PLAIN, rng.randint(0, 2))
        scoped = rng.sample(OTHER_SCOPED[:3], 1) + rng.sample(OTHER_SCOPED[3:], rng.randint(0, 2))
        assignees = rng.sample(ENGINEERS, rng.randint(0, 3))
        weight = rng.choice(ODD_WEIGHTS + [None, 1, 3, 5])
        x = Wild(n, rng.choice(TITLES) + f" #{k}", rng.choice(ENGINEERS), at(rng.randint(0, 120)),
                 labels + scoped[1:], assignees, weight, LONG if k % 9 == 0 else "")
        x.add(x.author, x.t, scoped[0])
        if k % 3 == 0:
            # workflow:: moves: GitLab's scoped labels displace each other.
            x.t += timedelta(hours=rng.randint(1, 60))
            x.add(rng.choice(ENGINEERS), x.t, "workflow::verification")
            x.remove(x.events[-1]["user"]["username"], x.t, scoped[0])
        if k % 5 == 0:
            x.deleted(rng.choice(ENGINEERS), rng.randint(1, 30))
        if k % 7 == 0:
            x.bot_same_second("type::bug")
        if k % 4 == 0:
            x.close(rng.choice(ENGINEERS + [BOT]), rng.randint(2, 200))
        issues.append(x)

    # One lost `CSOps` during its life: it was a request, now it is not (left out).
    x = Wild(next_iid(), "Was a CS Ops request once", "rita", at(3), ["CSOps", "CS Analytics"])
    x.move("ana", 5, "Triage")
    x.t += timedelta(hours=30)
    x.remove("ana", x.t, "CSOps", "CSOps::Triage", "CS Analytics")
    issues.append(x)
    unmanaged = len(issues)

    # CS Ops requests, done by the book, in a project full of other labels.
    teams = list(team)
    for k in range(150):
        t = teams[k % len(teams)]
        team_label, lead = team[t]
        owner = rng.choice(["omar", "pat", "kai", "gia"])
        others = rng.sample([p for p in ["omar", "pat", "kai"] if p != owner], k % 3 == 0)
        weight = rng.choice([1, 3, 5, 7])
        created = at(rng.randint(0, 120), rng.randint(0, 8))
        extra = rng.sample(["priority::2", "priority::3", "bug", "CSOps - Growth"], rng.randint(0, 2))
        x = Wild(next_iid(), rng.choice(TITLES).replace("Fix", "CS Ops:") + f" ({k})",
                 rng.choice(["rita", "li.wei", "fatima", "noah", "ines", "jonas", "maya"]),
                 created, ["CSOps", team_label] + extra, [owner] + others, weight,
                 LONG if k % 11 == 0 else f"Request {k}: ✓ résumé of the need.")
        x.move(lead, 20, "Triage")
        if k % 4 == 0:
            x.bot_same_second("priority::1")
        if k % 6 == 0:
            x.deleted(lead, 1)
        x.move(lead, 4, "Ready")
        # Any of the assignees works the request (the owner is the first).
        doer = x.assignees[-1]
        x.move(doer, 30, "InProcess")
        if t == "Gainsight":
            x.move(doer, 50, "Feedback").move(doer, 26, "Completed")
        else:
            x.move(doer, 40, "Completed")
        issues.append(x)

    # Planted: weights GitLab allows and the handbook does not, on requests otherwise clean.
    for w in [0, 2, 8, 10, 13]:
        x = Wild(next_iid(), f"Weight {w} on a request", "rita", at(60), ["CSOps", "CS Analytics"],
                 ["pat"], w)
        x.move("ana", 5, "Triage").move("ana", 1, "Ready").move("pat", 20, "InProcess")
        x.move("pat", 30, "Completed")
        issues.append(x)
        violation(x.iid, "invalid_weight", None)
    # Planted: a workflow label on an issue without `CSOps` (someone removed it).
    x = Wild(next_iid(), "Lost its team label", "maya", at(70), ["CSOps", "CS Analytics"], ["omar"], 3)
    x.move("ana", 5, "Triage").move("ana", 1, "Ready").move("omar", 20, "InProcess")
    x.t += timedelta(hours=3)
    x.remove("omar", x.t, "CSOps")
    issues.append(x)
    violation(x.iid, "workflow_label_without_csops", None)
    # Planted: two workflow labels at once, still on the issue (undecided, never resolved).
    for who in ["omar", "kai"]:
        x = Wild(next_iid(), f"Two workflow labels ({who})", "noah", at(80),
                 ["CSOps", "CS Programs"], [who], 3)
        x.move("dev", 5, "Triage").move("dev", 1, "Ready").move(who, 20, "InProcess")
        x.move(who, 30, "Feedback", label="CS Ops::Awaiting Feedback")  # another scope's alias
        issues.append(x)
        planted["undecided"].append(x.iid)
    # Planted: closed by a bot while In_Process.
    x = Wild(next_iid(), "Closed by the stale-issue bot", "ines", at(90), ["CSOps", "CS RenewalOps"],
             ["pat"], 5)
    x.move("rosa", 5, "Triage").move("rosa", 1, "Ready").move("pat", 20, "InProcess")
    x.close(BOT, 300)
    issues.append(x)
    violation(x.iid, "closed_without_outcome", BOT)
    # Gained `CSOps` long after creation: its untriaged clock starts then.
    for days_ago in [3, 10]:
        x = Wild(next_iid(), f"Tagged for CS Ops {days_ago} days ago", "eng.ada", at(10),
                 ["bug", "priority::2"], ["eng.bo"], 10)
        x.t = AS_OF - timedelta(days=days_ago)
        x.add("fatima", x.t, "CSOps", "CS Analytics")
        issues.append(x)
        violation(x.iid, "invalid_weight", None)  # GitLab's 10 stays on the request
        if days_ago > 7:
            planted["sla_breaches"].append({"iid": x.iid, "kind": "untriaged"})

    # Moved here from another project: GitLab keeps its label events, dated before the issue's
    # creation here (the move). Read, and dated from its first event; nothing to report.
    x = Wild(next_iid(), "Moved from the support tracker", "li.wei", at(40),
             ["CSOps", "CS Analytics"], ["omar"], 3)
    x.move("ana", 5, "Triage").move("ana", 1, "Ready").move("omar", 20, "InProcess")
    x.created = x.t + timedelta(days=2)
    issues.append(x)
    planted["moved"] = [x.iid]

    rng.shuffle(issues)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "issues.json"), "w") as f:
        json.dump([i.rest() for i in issues], f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, "label_events.json"), "w") as f:
        json.dump({str(i.iid): i.events for i in sorted(issues, key=lambda i: i.iid)}, f,
                  indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, "directory.json"), "w") as f:
        json.dump(directory, f, indent=1)
        f.write("\n")
    planted.update({"as_of": AS_OF.strftime("%Y-%m-%dT%H:%M:%SZ"), "issues": len(issues),
                    "unmanaged": unmanaged,
                    "label_events": sum(len(i.events) for i in issues)})
    with open(os.path.join(OUT, "planted.json"), "w") as f:
        json.dump(planted, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(issues)} issues ({unmanaged} not CS Ops), "
          f"{planted['label_events']} label events -> {OUT}")
