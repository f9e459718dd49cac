//! A set of labels with GitLab's scoped-label semantics: adding `scope::value` replaces any other
//! label of that scope.

use serde::{Deserialize, Serialize};

use super::*;

/// An ordered set of label strings with GitLab's scoped-label semantics: at most one label per
/// scope, and adding a scoped label removes the others of its scope. Scopes compare exactly, as
/// GitLab compares them; csops's own workflow-label replacement across alias spellings is done by
/// the workflow engine's effects, which name every label to remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LabelSet(Vec<String>);

impl LabelSet {
    /// An empty set.
    pub fn new() -> LabelSet {
        LabelSet(Vec::new())
    }

    /// Adds a label: a scoped label replaces any other label of the same scope. Returns the
    /// labels it displaced.
    pub fn add(&mut self, label: &str) -> Vec<String> {
        if self.contains(label) {
            return Vec::new();
        }
        let mut displaced = Vec::new();
        if let Some(sc) = scope(label) {
            self.0.retain(|l| {
                let same = scope(l) == Some(sc);
                if same {
                    displaced.push(l.clone());
                }
                !same
            });
        }
        self.0.push(label.to_owned());
        displaced
    }

    /// [`LabelSet::add`] for a label a user gives: a blank one (empty, whitespace only, or
    /// only `::`) is an error and the set is unchanged.
    ///
    /// ```
    /// use csops_core::LabelSet;
    /// let mut set = LabelSet::from_iter(["CSOps::Triage".to_owned()]);
    /// assert_eq!(set.try_add("CSOps::In_Process")?, vec!["CSOps::Triage".to_owned()]);
    /// assert!(set.try_add(" :: ").is_err());
    /// # Ok::<(), csops_core::label::LabelError>(())
    /// ```
    pub fn try_add(&mut self, label: &str) -> Result<Vec<String>, LabelError> {
        if is_blank(label) {
            return Err(LabelError::Empty {
                input: label.to_owned(),
            });
        }
        Ok(self.add(label))
    }

    /// Removes a label (exact spelling); whether it was there.
    pub fn remove(&mut self, label: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|l| l != label);
        self.0.len() != before
    }

    /// Removes and returns every label `pred` holds for, in order.
    pub fn take_where(&mut self, mut pred: impl FnMut(&str) -> bool) -> Vec<String> {
        let mut taken = Vec::new();
        let mut i = 0;
        while i < self.0.len() {
            if self.0.get(i).is_some_and(|l| pred(l)) {
                taken.push(self.0.remove(i));
            } else {
                i += 1;
            }
        }
        taken
    }

    /// Whether the set holds this exact label.
    pub fn contains(&self, label: &str) -> bool {
        self.0.iter().any(|l| l == label)
    }

    /// The labels, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The labels, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks every label (none empty or only `::`), as a tracker import does.
    pub fn validate(&self) -> Result<(), LabelError> {
        match self.first_blank() {
            Some((_, bad)) => Err(LabelError::Empty {
                input: bad.to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// The first label that cannot be a label (see [`is_blank`]), with its position.
    pub fn first_blank(&self) -> Option<(usize, &str)> {
        self.iter().enumerate().find(|(_, l)| is_blank(l))
    }

    /// Whether any label marks the request as Gainsight-related (`Gainsight*`, SPEC §2
    /// checklist).
    pub fn is_gainsight_related(&self) -> bool {
        self.0.iter().any(|l| {
            l.get(..9)
                .is_some_and(|head| head.eq_ignore_ascii_case("gainsight"))
        })
    }
}

/// Builds a set from labels as a tracker lists them: exact duplicates collapse, and everything
/// else is kept as given (two labels of one scope on an imported issue stay visible, so that
/// they can be reported).
impl<S: Into<String>> FromIterator<S> for LabelSet {
    fn from_iter<T: IntoIterator<Item = S>>(iter: T) -> Self {
        let mut v: Vec<String> = Vec::new();
        for l in iter {
            let l = l.into();
            if !v.contains(&l) {
                v.push(l);
            }
        }
        LabelSet(v)
    }
}
