use super::*;

fn state(l: &str) -> Option<State> {
    Label::parse(l).unwrap().state()
}

#[test]
fn every_canonical_label_and_alias_names_its_state() {
    let cases = [
        ("CSOps::New", State::New),
        ("CSOps::Triage", State::Triage),
        ("CSOps::Planning", State::Triage),
        ("CSOps::Need_More_Info", State::NeedMoreInfo),
        ("CSOps::Ready_for_Assignment", State::ReadyForAssignment),
        ("CSOps::Unassigned", State::Unassigned),
        ("CSOps::Backlog", State::Backlog),
        ("CSOps::In_Process", State::InProcess),
        ("CSOps::In Process", State::InProcess),
        ("CSOps::Blocked", State::Blocked),
        ("CSOps::Awaiting Feedback", State::AwaitingFeedback),
        ("CS Ops::Awaiting Feedback", State::AwaitingFeedback),
        ("CSOps::Monitoring", State::Monitoring),
        ("CSOps::Transferred", State::Monitoring),
        ("CSOps::Won't Do", State::WontDo),
        ("CSOps::Won\u{2019}t Do", State::WontDo),
        ("CSOps::Completed", State::Completed),
        ("CSOPs::Completed", State::Completed),
    ];
    for (label, want) in cases {
        assert_eq!(state(label), Some(want), "{label}");
    }
}

#[test]
fn matching_rule_ignores_case_spaces_and_separator_kind() {
    assert_eq!(state("csops::need-more-info"), Some(State::NeedMoreInfo));
    assert_eq!(
        state("C S Ops::READY FOR ASSIGNMENT"),
        Some(State::ReadyForAssignment)
    );
    assert_eq!(
        state("CSOps::awaiting_feedback"),
        Some(State::AwaitingFeedback)
    );
    assert_eq!(state("CSOps:: Won’t-Do "), Some(State::WontDo));
    // Not the workflow scope, or not a workflow value.
    assert_eq!(state("Ops::Triage"), None);
    assert_eq!(state("CSOps::Doing"), None);
    assert_eq!(state("CSOps"), None);
}

#[test]
fn canonical_spelling_is_written() {
    let l = Label::parse("CSOps::In Process").unwrap();
    assert_eq!(l.canonical(), "CSOps::In_Process");
    assert_eq!(l.as_str(), "CSOps::In Process");
    assert_eq!(
        Label::parse("csops::new").unwrap().canonical(),
        "CSOps::New"
    );
    assert_eq!(Label::parse("Frontend").unwrap().canonical(), "Frontend");
}

#[test]
fn families() {
    assert_eq!(
        Label::parse("Gainsight: Bug").unwrap().team(),
        Some(TeamLabel::GainsightBug)
    );
    assert_eq!(Label::parse("CSOps").unwrap().family(), LabelFamily::Team);
    let interrupt = Label::parse("CSOps - Interrupt").unwrap();
    assert_eq!(interrupt.source(), Some(SourceLabel::Interrupt));
    assert_eq!(interrupt.family(), LabelFamily::Source);
    assert_eq!(
        Label::parse("CSOPs-Priority").unwrap().source(),
        Some(SourceLabel::Priority)
    );
    // A value of the workflow scope that names no state is its own family (issue 14), and
    // by GitLab's scope rule it displaces the workflow label.
    let doing = Label::parse("CSOps::Doing").unwrap();
    assert_eq!(
        (doing.family(), doing.state()),
        (LabelFamily::UnknownWorkflow, None)
    );
    assert_eq!(
        Label::parse("cs ops::doing").unwrap().family(),
        LabelFamily::UnknownWorkflow
    );
    let mut set = LabelSet::from_iter(["CSOps", "CSOps::Triage"]);
    set.add("CSOps::Doing");
    assert_eq!(set.as_slice(), ["CSOps", "CSOps::Doing"]);
    let other = Label::parse("team::x").unwrap();
    assert_eq!(other.family(), LabelFamily::Other);
    assert_eq!(other.scope(), Some("team"));
    // Every typed label parses back to itself.
    for t in TeamLabel::VARIANTS {
        assert_eq!(Label::parse(t.as_ref()).unwrap().team(), Some(*t));
    }
    for s in SourceLabel::VARIANTS {
        assert_eq!(Label::parse(s.as_ref()).unwrap().source(), Some(*s));
    }
}

#[test]
fn empty_labels_are_errors() {
    for bad in ["", "   ", "::", " :: ", "::::"] {
        assert_eq!(
            Label::parse(bad),
            Err(LabelError::Empty { input: bad.into() }),
            "{bad:?}"
        );
    }
    let set = LabelSet::from_iter(["ok", " "]);
    assert!(set.validate().is_err());
}

#[test]
fn scoped_semantics_replace_by_last_scope() {
    let mut s = LabelSet::from_iter(["team::a", "team::b::x", "plain"]);
    assert_eq!(s.add("team::b::y"), vec!["team::b::x".to_string()]);
    assert_eq!(s.as_slice(), ["team::a", "plain", "team::b::y"]);
    assert!(s.add("plain").is_empty());
    assert_eq!(s.len(), 3);
    assert!(s.remove("plain"));
    assert!(!s.remove("plain"));
}

#[test]
fn two_workflow_labels_are_an_anomaly() {
    let t = Taxonomy::default_ref();
    let a = t
        .anomaly(["CSOps", "CSOps::Triage", "CS Ops::Awaiting Feedback"])
        .unwrap();
    assert_eq!(a.states, vec![State::Triage, State::AwaitingFeedback]);
    assert!(a.to_string().contains("CS Ops::Awaiting Feedback"));
    assert!(t.anomaly(["CSOps", "CSOps::Triage"]).is_none());
}

#[test]
fn gainsight_related() {
    assert!(LabelSet::from_iter(["Gainsight: Bug"]).is_gainsight_related());
    assert!(LabelSet::from_iter(["gainsight"]).is_gainsight_related());
    assert!(!LabelSet::from_iter(["CSOps", "Gain"]).is_gainsight_related());
}

proptest::proptest! {
    /// A set built from a tracker's list keeps each label's first occurrence, in order, on
    /// both of its paths (a few labels compared in place, many through a hash set).
    #[test]
    fn a_listed_set_keeps_first_occurrences_in_order(
        picks in proptest::collection::vec(0usize..40, 0..120),
    ) {
        let listed: Vec<String> = picks.iter().map(|i| format!("l{i}")).collect();
        let mut expected: Vec<&str> = Vec::new();
        for l in &listed {
            if !expected.contains(&l.as_str()) {
                expected.push(l);
            }
        }
        let set = LabelSet::from_iter(listed.iter().map(String::as_str));
        proptest::prop_assert_eq!(set.iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn in_place_scope_comparison_agrees_with_normalising(a in "[ -~\u{b}ÀÉÖé’ ]{0,12}", b in "[ -~\u{b}ÀÉÖé’ ]{0,12}") {
        proptest::prop_assert!(scope_matches(&a, &normalize_scope(&a)));
        proptest::prop_assert_eq!(scope_matches(&a, &normalize_scope(&b)), normalize_scope(&a) == normalize_scope(&b));
    }

    #[test]
    fn state_of_agrees_with_the_general_rule(label in "(CSOps|CS Ops|csops|team|Ops)::[ A-Za-z_'’-]{0,24}") {
        let t = Taxonomy::default_ref();
        let general = normalize_scoped(&label).and_then(|(s, v)| t.lookup(&s, &v));
        proptest::prop_assert_eq!(t.state_of(&label), general);
    }
}

#[test]
fn long_spellings_match() {
    let long_scope = format!("Ops {}", "Very Long Team Name ".repeat(10));
    let long_value = format!("In Progress {}", "and then some ".repeat(12))
        .trim()
        .to_owned();
    let mut cfg = default_workflow_labels();
    cfg.get_mut(&State::Blocked)
        .unwrap()
        .aliases
        .push(format!("{long_scope}::Stuck"));
    cfg.get_mut(&State::Backlog)
        .unwrap()
        .aliases
        .push(format!("CSOps::{long_value}"));
    let t = Taxonomy::compile(&cfg).unwrap();
    assert_eq!(
        t.state_of(&format!("{}::stuck", long_scope.to_uppercase())),
        Some(State::Blocked)
    );
    assert_eq!(
        t.state_of(&format!("csops::{}", long_value.replace(' ', "-"))),
        Some(State::Backlog)
    );
    assert_eq!(t.state_of(&format!("{long_scope}::Other")), None);
    assert_eq!(t.state_of("CSOps::Triage"), Some(State::Triage));
}

#[test]
fn non_ascii_labels_follow_the_rule() {
    let t = Taxonomy::default_ref();
    assert_eq!(t.state_of("CSOPS::WON’T DO"), Some(State::WontDo));
    assert_eq!(t.state_of("CSOps::Wön't Do"), None);
    assert_eq!(t.state_of("ÇSOps::Triage"), None);
}

#[test]
fn taxonomy_problems() {
    let mut cfg = default_workflow_labels();
    cfg.get_mut(&State::Blocked)
        .unwrap()
        .aliases
        .push("CSOps::Triage".into());
    assert!(matches!(
        Taxonomy::compile(&cfg),
        Err(TaxonomyProblem::Clash {
            state: State::Blocked,
            ..
        })
    ));
    let mut cfg = default_workflow_labels();
    cfg.get_mut(&State::Blocked).unwrap().canonical = None;
    assert_eq!(
        Taxonomy::compile(&cfg).unwrap_err(),
        TaxonomyProblem::MissingCanonical(State::Blocked)
    );
    let mut cfg = default_workflow_labels();
    cfg.get_mut(&State::Blocked)
        .unwrap()
        .aliases
        .push("Blocked".into());
    assert!(matches!(
        Taxonomy::compile(&cfg),
        Err(TaxonomyProblem::NotScoped { .. })
    ));
}
