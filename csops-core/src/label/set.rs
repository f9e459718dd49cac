//! A set of labels with GitLab's scoped-label semantics: adding `scope::value` replaces any other
//! label of that scope.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::*;

/// A few labels, as a transition's effects and a displacement carry them: held inline (one or
/// two labels; more go to the heap, as when a messy request carries several workflow labels).
/// Reads as a slice of [`Name`]s and compares with string lists.
///
/// ```
/// use csops_core::label::Labels;
/// let labels: Labels = ["CSOps::Triage"].into_iter().collect();
/// assert_eq!(labels, ["CSOps::Triage"]);
/// assert_eq!(labels[0].len(), 13);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Labels(SmallVec<[Name; 2]>);

impl Labels {
    /// No labels.
    pub fn new() -> Labels {
        Labels(SmallVec::new())
    }

    /// Adds a label at the end.
    pub fn push(&mut self, label: Name) {
        self.0.push(label);
    }

    /// Whether the labels have spilled out of their inline room onto the heap.
    pub fn spilled(&self) -> bool {
        self.0.spilled()
    }
}

impl std::ops::Deref for Labels {
    type Target = [Name];
    fn deref(&self) -> &[Name] {
        &self.0
    }
}

impl<S: Into<Name>> FromIterator<S> for Labels {
    fn from_iter<T: IntoIterator<Item = S>>(iter: T) -> Labels {
        Labels(iter.into_iter().map(Into::into).collect())
    }
}

impl IntoIterator for Labels {
    type Item = Name;
    type IntoIter = smallvec::IntoIter<[Name; 2]>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Labels {
    type Item = &'a Name;
    type IntoIter = std::slice::Iter<'a, Name>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Labels {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| **a == *b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Labels {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Labels {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<&[S]> for Labels {
    fn eq(&self, other: &&[S]) -> bool {
        *self == **other
    }
}

/// An ordered set of label strings with GitLab's scoped-label semantics: at most one label per
/// scope, and adding a scoped label removes the others of its scope. Scopes compare exactly, as
/// GitLab compares them; csops's own workflow-label replacement across alias spellings is done by
/// the workflow engine's effects, which name every label to remove.
/// Up to four labels (a request's usual `CSOps`, team, workflow and one more) are held inline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LabelSet(SmallVec<[Name; 4]>);

impl LabelSet {
    /// An empty set.
    pub fn new() -> LabelSet {
        LabelSet(SmallVec::new())
    }

    /// Adds a label: a scoped label replaces any other label of the same scope. Returns the
    /// labels it displaced (moved out of the set, not copied).
    pub fn add(&mut self, label: &str) -> Labels {
        if self.contains(label) {
            return Labels::new();
        }
        self.insert(Name::from(label))
    }

    /// [`LabelSet::add`] for a label already held as a [`Name`] (a taxonomy's canonical
    /// spelling): the set shares it, and nothing is allocated while the set has room.
    pub fn add_name(&mut self, label: &Name) -> Labels {
        if self.contains(label) {
            return Labels::new();
        }
        self.insert(label.clone())
    }

    fn insert(&mut self, label: Name) -> Labels {
        let mut displaced = Labels::new();
        if let Some(sc) = scope(&label) {
            let mut i = 0;
            while i < self.0.len() {
                if self.0.get(i).is_some_and(|l| scope(l) == Some(sc)) {
                    displaced.push(self.0.remove(i));
                } else {
                    i += 1;
                }
            }
        }
        self.0.push(label);
        displaced
    }

    /// [`LabelSet::add`] for a label a user gives: a blank one (empty, whitespace only, or
    /// only `::`) is an error and the set is unchanged.
    ///
    /// ```
    /// use csops_core::LabelSet;
    /// let mut set = LabelSet::from_iter(["CSOps::Triage".to_owned()]);
    /// assert_eq!(&*set.try_add("CSOps::In_Process")?[0], "CSOps::Triage");
    /// assert!(set.try_add(" :: ").is_err());
    /// # Ok::<(), csops_core::label::LabelError>(())
    /// ```
    pub fn try_add(&mut self, label: &str) -> Result<Labels, LabelError> {
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
        self.0.retain(|l| **l != *label);
        self.0.len() != before
    }

    /// Replaces each label `shared` gives an equal [`Name`] for by that name (a taxonomy's
    /// canonical spelling), so that the set shares it instead of holding a copy.
    pub(crate) fn share<'a>(&mut self, shared: impl Fn(&str) -> Option<&'a Name>) {
        for l in &mut self.0 {
            if let Some(n) = shared(l) {
                *l = n.clone();
            }
        }
    }

    /// Removes and returns every label `pred` holds for, in order (moved, not copied).
    pub fn take_where(&mut self, mut pred: impl FnMut(&Name) -> bool) -> Labels {
        let mut taken = Labels::new();
        let mut i = 0;
        while i < self.0.len() {
            if self.0.get(i).is_some_and(&mut pred) {
                taken.push(self.0.remove(i));
            } else {
                i += 1;
            }
        }
        taken
    }

    /// Whether the set holds this exact label.
    pub fn contains(&self, label: &str) -> bool {
        self.0.iter().any(|l| **l == *label)
    }

    /// The labels, in order.
    pub fn as_slice(&self) -> &[Name] {
        &self.0
    }

    /// The labels, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|l| &**l)
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
impl<S: Into<Name>> FromIterator<S> for LabelSet {
    fn from_iter<T: IntoIterator<Item = S>>(iter: T) -> Self {
        let mut v: SmallVec<[Name; 4]> = iter.into_iter().map(Into::into).collect();
        // A request's few labels are compared in place; a payload of thousands (GitLab sets no
        // limit) is deduplicated through a hash set, so that reading it stays linear.
        if v.len() <= 16 {
            let mut i = 0;
            while i < v.len() {
                if v[..i].contains(&v[i]) {
                    v.remove(i);
                } else {
                    i += 1;
                }
            }
        } else {
            let mut seen = rustc_hash::FxHashSet::default();
            seen.reserve(v.len());
            v.retain(|l| seen.insert(l.clone()));
        }
        LabelSet(v)
    }
}
