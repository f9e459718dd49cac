//! Compiling a scorecard: its format checked, rule by rule, and turned into the plan the
//! scoring kernel runs (schemes as typed data, categories as codes, bands as edges).

use crate::document::Document;

use super::*;

/// A measure compiled for scoring.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) group: usize,
    pub(crate) weight: f64,
    pub(crate) scheme: CompiledScheme,
    pub(crate) missing: MissingPolicy,
    pub(crate) neutral: f64,
    pub(crate) ttl_days: Option<i64>,
}

#[derive(Debug, Clone)]
pub(crate) enum CompiledScheme {
    Linear {
        worst: f64,
        span: f64,
    },
    Thresholds {
        edges: Vec<f64>,
        scores: Vec<f64>,
        upper_inclusive: bool,
    },
    Categories {
        scores: Vec<f64>,
    },
}

/// Which measures apply (per segment profile), and each one's nominal share of the weight.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) applicable: Vec<bool>,
    pub(crate) nominal: Vec<f64>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledVeto {
    pub(crate) measure: usize,
    pub(crate) when: CompiledWhen,
    pub(crate) band: usize,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum CompiledWhen {
    Code(f64),
    Below(f64),
    AtLeast(f64),
}

impl Scorecard {
    pub(crate) fn new(spec: ScorecardSpec) -> Result<Scorecard, HealthError> {
        if spec.groups.is_empty() {
            return Err(card_err("groups", "at least one group is needed"));
        }
        let mut ids: Vec<String> = Vec::new();
        let mut measures = Vec::new();
        let mut categories = Vec::new();
        let mut group_weights = Vec::new();
        let mut group_ids: Vec<&str> = Vec::new();
        for (gi, g) in spec.groups.iter().enumerate() {
            let gkey = format!("groups[{gi}] ({})", crate::words::bounded_name(&g.id));
            if g.id.trim().is_empty() {
                return Err(card_err(format!("groups[{gi}].id"), "a group needs an id"));
            }
            if group_ids.contains(&g.id.as_str()) {
                return Err(card_err(
                    format!("{gkey}.id"),
                    format!("group {} is defined twice", crate::words::Quoted(&g.id)),
                ));
            }
            group_ids.push(&g.id);
            positive(
                g.weight,
                &format!("{gkey}.weight"),
                &format!("group {}", crate::words::Quoted(&g.id)),
            )?;
            if g.measures.is_empty() {
                return Err(card_err(
                    format!("{gkey}.measures"),
                    format!("group {} has no measures", crate::words::Quoted(&g.id)),
                ));
            }
            group_weights.push(g.weight);
            for (mi, m) in g.measures.iter().enumerate() {
                let key = format!(
                    "groups[{gi}].measures[{mi}] ({})",
                    crate::words::bounded_name(&m.id)
                );
                let who = format!("measure {}", crate::words::Quoted(&m.id));
                if m.id.trim().is_empty() {
                    return Err(card_err(
                        format!("groups[{gi}].measures[{mi}].id"),
                        "a measure needs an id",
                    ));
                }
                if ids.contains(&m.id) {
                    return Err(card_err(
                        format!("{key}.id"),
                        format!("{who} is defined twice"),
                    ));
                }
                positive(m.weight, &format!("{key}.weight"), &who)?;
                if !(0.0..=100.0).contains(&m.neutral_score) {
                    return Err(card_err(
                        format!("{key}.neutral_score"),
                        format!(
                            "{who}: neutral_score {} must be within 0-100",
                            m.neutral_score
                        ),
                    ));
                }
                if m.ttl_days == Some(0) {
                    return Err(card_err(
                        format!("{key}.ttl_days"),
                        format!("{who}: ttl_days must be at least 1"),
                    ));
                }
                let (scheme, cats) = compile_scheme(&m.scheme, &format!("{key}.scheme"), &who)?;
                ids.push(m.id.clone());
                categories.push(cats);
                measures.push(Compiled {
                    group: gi,
                    weight: m.weight,
                    scheme,
                    missing: m.missing,
                    neutral: m.neutral_score,
                    ttl_days: m.ttl_days.map(i64::from),
                });
            }
        }
        let (band_from, band_to, band_names) = check_bands(&spec)?;
        for (key, v) in [
            ("coverage_min", spec.coverage_min),
            ("hysteresis", spec.hysteresis),
            ("trend_threshold", spec.trend_threshold),
        ] {
            let ok = v.is_finite() && v >= 0.0 && (key != "coverage_min" || v <= 1.0);
            if !ok {
                let range = if key == "coverage_min" {
                    "within 0-1"
                } else {
                    "a finite number of at least 0"
                };
                return Err(card_err(key, format!("{key} {v} must be {range}")));
            }
        }
        let mut card = Scorecard {
            ids,
            measures,
            group_weights,
            plan_count: 0,
            by_measure: Vec::new(),
            segment_names: spec.segments.keys().cloned().collect(),
            vetoes: Vec::new(),
            band_from,
            band_to,
            band_names,
            categories,
            identity: Identity::default(),
            spec: ScorecardSpec {
                groups: Vec::new(),
                ..spec.clone()
            },
        };
        let mut plans = vec![card.plan(&[])];
        for (name, profile) in &spec.segments {
            let mut out = Vec::new();
            for (i, id) in profile.not_applicable.iter().enumerate() {
                let m = card.measure_index(id).ok_or_else(|| {
                    card_err(
                        format!(
                            "segments.{}.not_applicable[{i}]",
                            crate::words::bounded_name(name)
                        ),
                        format!("unknown measure {}", crate::words::Quoted(id)),
                    )
                })?;
                out.push(m);
            }
            if (0..card.ids.len()).all(|m| out.contains(&m)) {
                return Err(card_err(
                    format!(
                        "segments.{}.not_applicable",
                        crate::words::bounded_name(name)
                    ),
                    format!(
                        "segment {} leaves no measure applicable",
                        crate::words::Quoted(name)
                    ),
                ));
            }
            plans.push(card.plan(&out));
        }
        for (i, v) in spec.vetoes.iter().enumerate() {
            let m = card.measure_index(&v.measure).ok_or_else(|| {
                card_err(
                    format!("vetoes[{i}].measure"),
                    format!("unknown measure {}", crate::words::Quoted(&v.measure)),
                )
            })?;
            let who = format!("measure {}", crate::words::Quoted(&v.measure));
            let numeric = card.categories(m).is_empty();
            let when = match (&v.when, numeric) {
                (VetoWhen::Category(c), false) => CompiledWhen::Code(
                    card.category_code(m, c)
                        .map_err(|e| card_err(format!("vetoes[{i}].when"), e.to_string()))?,
                ),
                (VetoWhen::Below(x), true) if x.is_finite() => CompiledWhen::Below(*x),
                (VetoWhen::AtLeast(x), true) if x.is_finite() => CompiledWhen::AtLeast(*x),
                (VetoWhen::Category(_), true) => {
                    return Err(card_err(
                        format!("vetoes[{i}].when"),
                        format!("{who} is numeric: a veto on it needs `below` or `at_least`"),
                    ));
                }
                (_, false) => {
                    return Err(card_err(
                        format!("vetoes[{i}].when"),
                        format!("{who} has categories: a veto on it needs `category`"),
                    ));
                }
                (_, true) => {
                    return Err(card_err(
                        format!("vetoes[{i}].when"),
                        format!("{who}: a veto's limit must be a finite number"),
                    ));
                }
            };
            let band = card
                .band_names
                .iter()
                .position(|b| *b == v.band)
                .ok_or_else(|| {
                    card_err(
                        format!("vetoes[{i}].band"),
                        format!(
                            "unknown band {} (bands: {})",
                            crate::words::Quoted(&v.band),
                            card.band_names.join(", ")
                        ),
                    )
                })?;
            card.vetoes.push(CompiledVeto {
                measure: m,
                when,
                band,
            });
        }
        card.by_measure = (0..card.ids.len())
            .map(|m| {
                let applicable = plans.iter().map(|p| p.applicable.get(m) == Some(&true));
                let nominal = plans
                    .iter()
                    .map(|p| p.nominal.get(m).copied().unwrap_or(0.0));
                (applicable.collect(), nominal.collect())
            })
            .collect();
        card.plan_count = plans.len();
        card.identity = Identity::of(&spec);
        card.spec = spec;
        Ok(card)
    }

    pub(crate) fn plan(&self, not_applicable: &[usize]) -> Plan {
        let applicable: Vec<bool> = (0..self.ids.len())
            .map(|m| !not_applicable.contains(&m))
            .collect();
        let groups = self.group_weights.len();
        let mut in_group = vec![0.0; groups];
        for (m, c) in self.measures.iter().enumerate() {
            if applicable.get(m) == Some(&true)
                && let Some(w) = in_group.get_mut(c.group)
            {
                *w += c.weight;
            }
        }
        let total: f64 = self
            .group_weights
            .iter()
            .zip(&in_group)
            .filter(|(_, w)| **w > 0.0)
            .map(|(g, _)| g)
            .sum();
        let nominal = self
            .measures
            .iter()
            .enumerate()
            .map(|(m, c)| {
                let gw = in_group.get(c.group).copied().unwrap_or(0.0);
                let g = self.group_weights.get(c.group).copied().unwrap_or(0.0);
                if applicable.get(m) == Some(&true) && gw > 0.0 && total > 0.0 {
                    (g / total) * (c.weight / gw)
                } else {
                    0.0
                }
            })
            .collect();
        Plan {
            applicable,
            nominal,
        }
    }
}

pub(crate) fn positive(v: f64, key: &str, who: &str) -> Result<(), HealthError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(card_err(
            key,
            format!("{who}: weight {v} must be a finite number above 0"),
        ))
    }
}

pub(crate) fn score_0_100(v: f64, key: &str, who: &str) -> Result<(), HealthError> {
    if (0.0..=100.0).contains(&v) {
        Ok(())
    } else {
        Err(card_err(
            key,
            format!("{who}: score {v} must be within 0-100"),
        ))
    }
}

pub(crate) fn compile_scheme(
    s: &Scheme,
    key: &str,
    who: &str,
) -> Result<(CompiledScheme, Vec<String>), HealthError> {
    match s {
        Scheme::Linear { worst, best } => {
            if !(worst.is_finite() && best.is_finite()) || worst == best {
                return Err(card_err(
                    key,
                    format!(
                        "{who}: linear needs finite, different `worst` and `best` (got {worst} and {best})"
                    ),
                ));
            }
            Ok((
                CompiledScheme::Linear {
                    worst: *worst,
                    span: best - worst,
                },
                Vec::new(),
            ))
        }
        Scheme::Thresholds {
            edges,
            scores,
            edge,
        } => {
            if edges.is_empty() {
                return Err(card_err(
                    format!("{key}.edges"),
                    format!("{who}: thresholds need at least one edge"),
                ));
            }
            if edges.iter().any(|e| !e.is_finite()) || edges.windows(2).any(|w| w[0] >= w[1]) {
                return Err(card_err(
                    format!("{key}.edges"),
                    format!("{who}: edges must be finite and strictly increasing"),
                ));
            }
            if scores.len() != edges.len() + 1 {
                return Err(card_err(
                    format!("{key}.scores"),
                    format!(
                        "{who}: {} edges need {} scores, not {}",
                        edges.len(),
                        edges.len() + 1,
                        scores.len()
                    ),
                ));
            }
            for (i, v) in scores.iter().enumerate() {
                score_0_100(*v, &format!("{key}.scores[{i}]"), who)?;
            }
            Ok((
                CompiledScheme::Thresholds {
                    edges: edges.clone(),
                    scores: scores.clone(),
                    upper_inclusive: *edge == EdgeRule::UpperInclusive,
                },
                Vec::new(),
            ))
        }
        Scheme::Categories { categories } => {
            if categories.is_empty() {
                return Err(card_err(
                    format!("{key}.categories"),
                    format!("{who}: at least one category is needed"),
                ));
            }
            let mut names: Vec<String> = Vec::new();
            for (i, c) in categories.iter().enumerate() {
                if c.value.trim().is_empty() {
                    return Err(card_err(
                        format!("{key}.categories[{i}].value"),
                        format!("{who}: a category needs a name"),
                    ));
                }
                if names.iter().any(|n| n.eq_ignore_ascii_case(&c.value)) {
                    return Err(card_err(
                        format!("{key}.categories[{i}].value"),
                        format!(
                            "{who}: category {} is defined twice",
                            crate::words::Quoted(&c.value)
                        ),
                    ));
                }
                score_0_100(c.score, &format!("{key}.categories[{i}].score"), who)?;
                names.push(c.value.clone());
            }
            Ok((
                CompiledScheme::Categories {
                    scores: categories.iter().map(|c| c.score).collect(),
                },
                names,
            ))
        }
    }
}

pub(crate) type Bands = (Vec<f64>, Vec<f64>, Vec<String>);

pub(crate) fn check_bands(spec: &ScorecardSpec) -> Result<Bands, HealthError> {
    let bands = &spec.bands;
    if bands.is_empty() {
        return Err(card_err("bands", "at least one band is needed"));
    }
    if bands.len() >= usize::from(UNKNOWN_CODE) {
        return Err(card_err(
            "bands",
            format!("at most {} bands", UNKNOWN_CODE - 1),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for (i, b) in bands.iter().enumerate() {
        let key = format!("bands[{i}] ({})", crate::words::bounded_name(&b.name));
        if b.name.trim().is_empty() || b.name.eq_ignore_ascii_case(UNKNOWN) {
            return Err(card_err(
                format!("{key}.name"),
                format!("a band cannot be named {}", crate::words::Quoted(&b.name)),
            ));
        }
        if names.iter().any(|n| n.eq_ignore_ascii_case(&b.name)) {
            return Err(card_err(
                format!("{key}.name"),
                format!("band {} is defined twice", crate::words::Quoted(&b.name)),
            ));
        }
        if !(b.from.is_finite() && b.to.is_finite() && b.from < b.to) {
            return Err(card_err(
                key,
                format!(
                    "band {}: from {} must be below to {}",
                    crate::words::Quoted(&b.name),
                    b.from,
                    b.to
                ),
            ));
        }
        if i == 0 && b.from != 0.0 {
            return Err(card_err(
                format!("{key}.from"),
                format!(
                    "the lowest band {} must start at 0",
                    crate::words::Quoted(&b.name)
                ),
            ));
        }
        if i + 1 == bands.len() && b.to != 100.0 {
            return Err(card_err(
                format!("{key}.to"),
                format!(
                    "the highest band {} must end at 100",
                    crate::words::Quoted(&b.name)
                ),
            ));
        }
        if let Some(prev) = i.checked_sub(1).and_then(|p| bands.get(p)) {
            if b.from < prev.to {
                return Err(card_err(
                    format!("{key}.from"),
                    format!(
                        "band {} overlaps band {} ({} < {})",
                        crate::words::Quoted(&b.name),
                        crate::words::Quoted(&prev.name),
                        b.from,
                        prev.to
                    ),
                ));
            }
            if b.from > prev.to {
                return Err(card_err(
                    format!("{key}.from"),
                    format!(
                        "a gap between band {} (to {}) and band {} (from {})",
                        crate::words::Quoted(&prev.name),
                        prev.to,
                        crate::words::Quoted(&b.name),
                        b.from
                    ),
                ));
            }
        }
        names.push(b.name.clone());
    }
    Ok((
        bands.iter().map(|b| b.from).collect(),
        bands.iter().map(|b| b.to).collect(),
        names,
    ))
}

impl Document for Scorecard {
    type Raw = ScorecardSpec;
    type Error = HealthError;

    fn read_error(_format: &'static str, key: String, rule: String) -> HealthError {
        card_err(key, rule)
    }

    fn checked(spec: ScorecardSpec) -> Result<Scorecard, HealthError> {
        Scorecard::new(spec)
    }
}
