//! The results drawn as SVG, for BENCHMARKS.md: `/get` throughput beside the seed and a bare
//! axum server, server memory against live feeds, the cold start's moments, and the
//! desktop app's memory through the soak. `bench full` writes them into `bench/plots/`;
//! the smoke run draws its own into `.bench/`, and checks that they and every plot
//! BENCHMARKS.md links parse.
//!
//! A plot this run could not draw (no desktop run, say) is left as it was.

use super::Report;
use crate::stats::{fan_out_medians, median_load};
use anyhow::{Context, Result};
use plotters::{coord::Shift, prelude::*};
use std::path::{Path, PathBuf};

/// The plots, by file name, as BENCHMARKS.md links them.
pub const THROUGHPUT: &str = "get-throughput.svg";
pub const FEED_MEMORY: &str = "feed-memory.svg";
pub const COLD_START: &str = "cold-start.svg";
pub const SOAK: &str = "soak-memory.svg";

const SIZE: (u32, u32) = (720, 400);
const FONT: &str = "sans-serif";
const OURS: RGBColor = RGBColor(33, 102, 172);
const SEED: RGBColor = RGBColor(230, 126, 34);
const BARE: RGBColor = RGBColor(117, 117, 117);

/// Draws every plot this run has the figures for into `dir`; returns the files written.
pub fn write_plots(dir: &Path, report: &Report) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Vec::new();
    let plots: [(&str, Draw); 4] = [
        (THROUGHPUT, throughput),
        (FEED_MEMORY, feed_memory),
        (COLD_START, cold_start),
        (SOAK, soak),
    ];
    for (name, draw) in plots {
        let path = dir.join(name);
        // Drawn in memory first, so that a plot without figures leaves the old file alone.
        let mut svg = String::new();
        let drawn = {
            let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            area.fill(&WHITE)?;
            let drawn = draw(report, &area).with_context(|| format!("drawing {name}"))?;
            area.present()?;
            drawn
        };
        if drawn {
            std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
            written.push(path);
        }
    }
    Ok(written)
}

/// The plots a Markdown document shows: each link into `bench/plots/`.
pub fn linked(markdown: &str) -> impl Iterator<Item = &str> {
    markdown
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')'))
        .map(|(link, _)| link)
        .filter(|link| link.starts_with(crate::PLOTS_DIR) && link.ends_with(".svg"))
}

/// Checks that each of `files` is an SVG document that parses.
pub fn check_plots(files: &[PathBuf]) -> Result<()> {
    for file in files {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let doc = roxmltree::Document::parse(&text)
            .with_context(|| format!("{} is not XML", file.display()))?;
        anyhow::ensure!(
            doc.root_element().tag_name().name() == "svg",
            "{} is not an SVG document",
            file.display()
        );
    }
    Ok(())
}

/// An axis label as a whole number: every axis here counts requests, feeds, patches,
/// milliseconds or MiB, where plotters' default `5000.0` only adds noise.
fn whole(value: &f64) -> String {
    format!("{value:.0}")
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws one plot of `report` on the area; `false` if the run has no figures for it.
type Draw = fn(&Report, &Area) -> Result<bool>;

/// `/get` at 64 connections: the median requests per second of each server.
fn throughput(report: &Report, area: &Area) -> Result<bool> {
    let pick = |l: &crate::run::Latency| l.get_c64;
    let bars: Vec<(&str, f64, RGBColor)> = [
        (
            "the seed",
            crate::stats::load_median(&report.seed, pick),
            SEED,
        ),
        ("ours", crate::stats::load_median(&report.ours, pick), OURS),
        ("bare axum", median_load(&report.bare_axum), BARE),
    ]
    .into_iter()
    .filter_map(|(name, load, color)| Some((name, load?.requests_per_second, color)))
    .collect();
    if bars.len() < 2 {
        return Ok(false);
    }
    let top = bars.iter().map(|&(_, value, _)| value).fold(0.0, f64::max) * 1.15;
    let names: Vec<&str> = bars.iter().map(|&(name, _, _)| name).collect();
    let mut chart = ChartBuilder::on(area)
        .caption("GET /get at 64 connections (median)", (FONT, 20))
        .margin(16)
        .x_label_area_size(36)
        .y_label_area_size(72)
        .build_cartesian_2d((0..bars.len()).into_segmented(), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_desc("requests per second")
        .y_label_formatter(&whole)
        .x_label_formatter(&|value| match value {
            SegmentValue::CenterOf(i) => names.get(*i).copied().unwrap_or_default().to_owned(),
            _ => String::new(),
        })
        .draw()?;
    chart.draw_series(bars.iter().enumerate().map(|(i, &(_, value, color))| {
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), value),
            ],
            color.filled(),
        );
        bar.set_margin(0, 0, 24, 24);
        bar
    }))?;
    Ok(true)
}

/// Server RSS with every feed open, against the number of feeds, for ours and the seed.
fn feed_memory(report: &Report, area: &Area) -> Result<bool> {
    let series = |runs| -> Vec<(f64, f64)> {
        fan_out_medians(runs)
            .iter()
            .filter(|m| !m.unpinned)
            .filter_map(|m| Some((m.requested as f64, m.server_rss_kib? / 1024.0)))
            .collect()
    };
    let lines = [
        ("ours", series(&report.ours), OURS),
        ("the seed", series(&report.seed), SEED),
    ];
    let points = || lines.iter().flat_map(|(_, points, _)| points.iter());
    if points().count() < 2 {
        return Ok(false);
    }
    let right = points().map(|p| p.0).fold(0.0, f64::max) * 1.05;
    let top = points().map(|p| p.1).fold(0.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Server memory with every feed open (median RSS)",
            (FONT, 20),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..right, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("live feeds")
        .y_desc("MiB")
        .x_label_formatter(&whole)
        .y_label_formatter(&whole)
        .draw()?;
    for (name, points, color) in lines {
        if points.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 3, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE)
        .border_style(BLACK)
        .draw()?;
    Ok(true)
}

/// The cold start's moments, each a bar from the one before it to itself.
fn cold_start(report: &Report, area: &Area) -> Result<bool> {
    let stages = report.cold_start_stages();
    let Some(&(_, end)) = stages.last() else {
        return Ok(false);
    };
    let names: Vec<&str> = stages.iter().map(|&(name, _)| name).collect();
    let right = end.as_secs_f64() * 1e3 * 1.1;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Desktop cold start, launch to first feed value (median)",
            (FONT, 20),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(230)
        .build_cartesian_2d(0.0..right, (0..stages.len()).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("ms since the launch request")
        .x_label_formatter(&whole)
        .y_label_formatter(&|value| match value {
            SegmentValue::CenterOf(i) => names.get(*i).copied().unwrap_or_default().to_owned(),
            _ => String::new(),
        })
        .draw()?;
    let mut previous = 0.0;
    let bars: Vec<_> = stages
        .iter()
        .enumerate()
        .map(|(i, &(_, at))| {
            let at = at.as_secs_f64() * 1e3;
            let mut bar = Rectangle::new(
                [
                    (previous, SegmentValue::Exact(i)),
                    (at, SegmentValue::Exact(i + 1)),
                ],
                OURS.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            previous = at;
            bar
        })
        .collect();
    chart.draw_series(bars)?;
    Ok(true)
}

/// The desktop app's total PSS through the soak's DOM patches, first run.
fn soak(report: &Report, area: &Area) -> Result<bool> {
    let Some(soak) = report.desktop.first().and_then(|d| d.soak.as_ref()) else {
        return Ok(false);
    };
    let rounds = soak.pss_kib.len().saturating_sub(1).max(1);
    let points: Vec<(f64, f64)> = soak
        .pss_kib
        .iter()
        .enumerate()
        .filter_map(|(i, kib)| {
            let done = (soak.patches * i / rounds) as f64;
            Some((done, (*kib)? as f64 / 1024.0))
        })
        .collect();
    if points.len() < 2 {
        return Ok(false);
    }
    let top = points.iter().map(|p| p.1).fold(0.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("Desktop app memory through {} DOM patches", soak.patches),
            (FONT, 20),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(0.0..soak.patches as f64, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("patches applied")
        .y_desc("total PSS, MiB")
        .x_label_formatter(&whole)
        .y_label_formatter(&whole)
        .draw()?;
    chart.draw_series(LineSeries::new(points.clone(), OURS.stroke_width(2)))?;
    chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, OURS.filled())))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plots_a_document_links_are_found() {
        let doc = "![a](bench/plots/cold-start.svg) [b](BENCHMARKS.md) ![c](docs/x.png)";
        assert_eq!(
            linked(doc).collect::<Vec<_>>(),
            ["bench/plots/cold-start.svg"]
        );
    }

    #[test]
    fn a_drawn_plot_parses_and_anything_else_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("plot.svg");
        let mut text = String::new();
        {
            let area = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
            area.fill(&WHITE).unwrap();
            area.present().unwrap();
        }
        std::fs::write(&svg, text).unwrap();
        check_plots(std::slice::from_ref(&svg)).unwrap();
        let broken = dir.path().join("broken.svg");
        std::fs::write(&broken, "<svg><g></svg>").unwrap();
        assert!(check_plots(&[broken]).is_err());
    }
}
