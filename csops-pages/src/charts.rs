//! The charts of the pages, drawn as SVG by plotters: the page holds the SVG text itself, so it
//! opens offline and prints as it shows. Each chart is a function of report data; the SVG has a
//! `viewBox`, so the page's style scales it to the reader's width.

use chrono::{Duration, NaiveDate};
use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// A chart's plotting area on an SVG page.
type Plot<'a, 'b, X, Y> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// The font of every chart's text: the reader's own sans-serif (nothing is fetched).
pub(crate) const FONT: &str = "sans-serif";

/// A chart's size in SVG units (scaled to the page's width by its `viewBox`).
pub(crate) const WIDTH: u32 = 800;

/// Draws a chart of `height` into SVG text; a chart that cannot be drawn is said in words.
pub(crate) fn svg(
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn,
) -> String {
    let mut out = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&root))
            .and_then(|()| root.present().map_err(Into::into))
    };
    match drawn {
        Ok(()) => out,
        Err(e) => format!("<p class=\"note\">This chart could not be drawn: {e}.</p>"),
    }
}

/// A colour from its hex digits.
pub(crate) const fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// The colours of a series of categories (workstreams, lead times): a qualitative palette
/// readable on white and by most colour-blind readers (Okabe–Ito).
pub(crate) const SERIES: [RGBColor; 7] = [
    rgb(0x0072B2),
    rgb(0xE69F00),
    rgb(0x009E73),
    rgb(0xCC79A7),
    rgb(0x56B4E9),
    rgb(0xD55E00),
    rgb(0x000000),
];

/// The ink of axes and text.
pub(crate) const INK: RGBColor = rgb(0x333333);

/// The grey of a reference line (chance).
pub(crate) const REFERENCE: RGBColor = rgb(0xA0A0A0);

/// A stacked area of one category over days: its lower and upper edges.
pub(crate) struct Layer<'a> {
    /// The category's name, for the key.
    pub name: &'a str,
    /// Its colour.
    pub color: RGBColor,
    /// Its count on each day.
    pub counts: Vec<usize>,
}

/// `n` categories on an axis: category `i` is centred on `i`, so that plotters' labels (nice
/// numbers, one per whole number when asked for `n`) fall on the categories.
fn categories(n: usize) -> std::ops::Range<f64> {
    -0.5..(n.max(1) as f64 - 0.5)
}

/// The category a label position names, if it is one.
fn category(x: f64, n: usize) -> Option<usize> {
    let i = x.round();
    ((x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n).then_some(i as usize)
}

/// Half the width of a bar, in categories.
const HALF_BAR: f64 = 0.42;

/// The plotting area every chart shares: a margin, and room for the axes' labels (`labels`:
/// the x axis's height and the y axis's width).
fn area<'a, 'b, X: AsRangedCoord, Y: AsRangedCoord>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    (x_labels, y_labels): (u32, u32),
    x: X,
    y: Y,
) -> Result<Plot<'a, 'b, X, Y>, Box<dyn std::error::Error>> {
    Ok(ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(x_labels)
        .y_label_area_size(y_labels)
        .build_cartesian_2d(x, y)?)
}

/// The style of an axis's text.
fn text() -> TextStyle<'static> {
    (FONT, 14).into_font().color(&INK)
}

/// An axis label for a count or a quantity: whole numbers once the axis reaches 10.
fn amount(top: f64) -> impl Fn(&f64) -> String {
    move |y| {
        if top >= 10.0 {
            format!("{y:.0}")
        } else {
            format!("{y:.1}")
        }
    }
}

/// A date axis's label for day `x` after `from`.
fn day_label(from: NaiveDate, x: f64) -> String {
    (from + Duration::days(x.round() as i64))
        .format("%-d %b")
        .to_string()
}

/// A stacked area chart over days (the cumulative flow diagram): `layers` bottom first, each
/// one polygon of its upper edge forward and its lower edge back (2 × days points).
pub(crate) fn stacked_days(from: NaiveDate, layers: &[Layer<'_>], y_desc: &str) -> String {
    let days = layers.first().map_or(0, |l| l.counts.len());
    let mut lower = vec![0usize; days];
    let mut edges = Vec::with_capacity(layers.len());
    for layer in layers {
        let upper: Vec<usize> = lower
            .iter()
            .zip(&layer.counts)
            .map(|(a, b)| a + b)
            .collect();
        edges.push((lower.clone(), upper.clone()));
        lower = upper;
    }
    let top = lower.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.08;
    let x_max = (days.max(2) - 1) as f64;
    svg(360, |root| {
        let mut chart = area(root, (34, 48), 0f64..x_max, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(10)
            .x_label_formatter(&|x| day_label(from, *x))
            .y_labels((top.floor() as usize + 1).clamp(2, 11))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .y_desc(y_desc)
            .light_line_style(TRANSPARENT)
            .label_style(text())
            .axis_desc_style(text())
            .draw()?;
        for (layer, (lo, hi)) in layers.iter().zip(&edges).rev() {
            let points: Vec<(f64, f64)> = hi
                .iter()
                .enumerate()
                .map(|(d, n)| (d as f64, *n as f64))
                .chain(
                    lo.iter()
                        .enumerate()
                        .rev()
                        .map(|(d, n)| (d as f64, *n as f64)),
                )
                .collect();
            let color = layer.color;
            chart.draw_series(std::iter::once(Polygon::new(points, color.filled())))?;
        }
        Ok(())
    })
}

/// One group of points on a scatter chart (a workstream on the control chart).
pub(crate) struct Points<'a> {
    /// The group's name, for the key.
    pub name: &'a str,
    /// Its colour.
    pub color: RGBColor,
    /// Its points: (days after `from`, value).
    pub points: Vec<(f64, f64)>,
}

/// A horizontal line across a chart, labelled (a percentile).
pub(crate) struct Rule {
    /// Its label.
    pub label: String,
    /// Its value.
    pub value: f64,
}

/// A scatter chart over days with horizontal rules, each labelled at its right end (the control
/// chart): one circle per point.
pub(crate) fn scatter_days(
    from: NaiveDate,
    days: usize,
    groups: &[Points<'_>],
    rules: &[Rule],
    y_desc: &str,
) -> String {
    let highest = groups
        .iter()
        .flat_map(|g| g.points.iter().map(|p| p.1))
        .chain(rules.iter().map(|r| r.value))
        .fold(0f64, f64::max);
    let top = if highest > 0.0 { highest * 1.08 } else { 1.0 };
    let x_max = (days.max(2) - 1) as f64 + 1.0;
    svg(360, |root| {
        let mut chart = area(root, (34, 48), 0f64..x_max, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(10)
            .x_label_formatter(&|x| day_label(from, *x))
            .y_label_formatter(&amount(top))
            .y_desc(y_desc)
            .light_line_style(TRANSPARENT)
            .label_style(text())
            .axis_desc_style(text())
            .draw()?;
        let label = (FONT, 13)
            .into_font()
            .color(&INK)
            .pos(Pos::new(HPos::Right, VPos::Bottom));
        for (i, rule) in rules.iter().enumerate() {
            let style = INK.mix(0.35 + 0.2 * i as f64).stroke_width(2);
            let y = rule.value;
            chart.draw_series(LineSeries::new([(0.0, y), (x_max, y)], style))?;
            chart.draw_series(std::iter::once(Text::new(
                rule.label.clone(),
                (x_max, y),
                label.clone(),
            )))?;
        }
        for group in groups {
            let color = group.color;
            chart.draw_series(
                group
                    .points
                    .iter()
                    .map(|p| Circle::new(*p, 4, color.mix(0.8).filled())),
            )?;
        }
        Ok(())
    })
}

/// One stack of bars: a category with a value per bar.
pub(crate) struct Stack<'a> {
    /// The category's name, for the key.
    pub name: &'a str,
    /// Its colour.
    pub color: RGBColor,
    /// Its value on each bar.
    pub values: Vec<f64>,
}

/// Vertical bars, stacked, one per label (throughput per week, churn per band).
pub(crate) fn bars(
    labels: &[String],
    stacks: &[Stack<'_>],
    y_desc: &str,
    y_max: Option<f64>,
) -> String {
    let n = labels.len().max(1);
    let highest = (0..n)
        .map(|i| {
            stacks
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                .sum::<f64>()
        })
        .fold(0f64, f64::max);
    let top = y_max.unwrap_or(if highest > 0.0 { highest * 1.1 } else { 1.0 });
    let every = labels.len().div_ceil(14).max(1);
    // Counts are labelled in whole numbers, one per step when there are few.
    let whole = stacks
        .iter()
        .all(|s| s.values.iter().all(|v| v.fract() == 0.0));
    let ticks = if whole {
        (top.floor() as usize + 1).clamp(2, 11)
    } else {
        11
    };
    svg(300, |root| {
        let mut chart = area(root, (34, 48), categories(n), 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.min(60))
            .x_label_formatter(&|x| match category(*x, n) {
                Some(i) if i % every == 0 => labels.get(i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_labels(ticks)
            .y_label_formatter(&|y| {
                if whole {
                    format!("{y:.0}")
                } else {
                    amount(top)(y)
                }
            })
            .y_desc(y_desc)
            .light_line_style(TRANSPARENT)
            .label_style(text())
            .axis_desc_style(text())
            .draw()?;
        let mut base = vec![0f64; n];
        for stack in stacks {
            let color = stack.color;
            let rects: Vec<_> = (0..n)
                .filter_map(|i| {
                    let v = stack.values.get(i).copied().unwrap_or(0.0);
                    let from = base[i];
                    base[i] += v;
                    (v > 0.0).then(|| {
                        let x = i as f64;
                        Rectangle::new(
                            [(x - HALF_BAR, from), (x + HALF_BAR, from + v)],
                            color.filled(),
                        )
                    })
                })
                .collect();
            chart.draw_series(rects)?;
        }
        Ok(())
    })
}

/// Horizontal bars, one per label, highest first (load per person).
pub(crate) fn horizontal_bars(labels: &[String], values: &[f64], x_desc: &str) -> String {
    let n = labels.len().max(1);
    let highest = values.iter().copied().fold(0f64, f64::max);
    let top = if highest > 0.0 { highest * 1.1 } else { 1.0 };
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
    let height = (80 + 28 * n as u32).min(4000);
    svg(height, |root| {
        let mut chart = area(
            root,
            (34, (longest as u32 * 8 + 16).min(260)),
            0f64..top,
            categories(n),
        )?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| {
                // The first label at the top.
                category(*y, n)
                    .and_then(|row| labels.get(n - 1 - row))
                    .cloned()
                    .unwrap_or_default()
            })
            .x_label_formatter(&amount(top))
            .x_desc(x_desc)
            .light_line_style(TRANSPARENT)
            .label_style(text())
            .axis_desc_style(text())
            .draw()?;
        chart.draw_series(values.iter().enumerate().map(|(i, v)| {
            let row = n.saturating_sub(1 + i);
            let y = row as f64;
            Rectangle::new(
                [(0.0, y - HALF_BAR), (*v, y + HALF_BAR)],
                SERIES[0].filled(),
            )
        }))?;
        Ok(())
    })
}

/// One curve on a unit square (a ROC curve).
pub(crate) struct Curve<'a> {
    /// Its name, for the key.
    pub name: &'a str,
    /// Its colour.
    pub color: RGBColor,
    /// Its points, x and y in 0–1.
    pub points: Vec<(f64, f64)>,
}

/// Curves on the unit square with the diagonal of chance (ROC curves).
pub(crate) fn unit_curves(curves: &[Curve<'_>], x_desc: &str, y_desc: &str) -> String {
    svg(440, |root| {
        let mut chart = area(root, (40, 52), 0f64..1f64, 0f64..1f64)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .light_line_style(TRANSPARENT)
            .label_style(text())
            .axis_desc_style(text())
            .draw()?;
        let chance = REFERENCE.stroke_width(1);
        chart.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], chance))?;
        for curve in curves {
            let style = curve.color.stroke_width(3);
            chart.draw_series(LineSeries::new(curve.points.iter().copied(), style))?;
        }
        Ok(())
    })
}

/// Values with intervals, one per label, on 0–1 with a reference line (AUC per lead time).
pub(crate) fn intervals(
    labels: &[String],
    values: &[Option<f64>],
    bounds: &[Option<[f64; 2]>],
    reference: f64,
    y_desc: &str,
) -> String {
    let n = labels.len().max(1);
    svg(300, |root| {
        let mut chart = area(root, (34, 52), categories(n), 0f64..1f64)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                category(*x, n)
                    .and_then(|i| labels.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .y_desc(y_desc)
            .light_line_style(TRANSPARENT)
            .label_style(text())
            .axis_desc_style(text())
            .draw()?;
        let chance = REFERENCE.stroke_width(1);
        let span = categories(n);
        chart.draw_series(LineSeries::new(
            [(span.start, reference), (span.end, reference)],
            chance,
        ))?;
        chart.draw_series(values.iter().enumerate().filter_map(|(i, v)| {
            let x = i as f64;
            Some(Rectangle::new(
                [(x - 0.3, 0.0), (x + 0.3, (*v)?)],
                SERIES[0].mix(0.85).filled(),
            ))
        }))?;
        chart.draw_series(bounds.iter().enumerate().filter_map(|(i, b)| {
            let [lo, hi] = (*b)?;
            let x = i as f64;
            Some(PathElement::new([(x, lo), (x, hi)], INK.stroke_width(3)))
        }))?;
        Ok(())
    })
}
