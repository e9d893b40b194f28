//! Figures: valid PNG and SVG of the right size, contours where the law
//! says, and clear errors for input that cannot be drawn.

use scaling_lab_core::laws::Law;
use scaling_lab_core::plot::{render, studies, Chart, Contours, Figure, Mark, Scale, Series};
use scaling_lab_script::EngineConfig;
use scaling_lab_script::Interpreter;

fn session_in(dir: &std::path::Path) -> Interpreter {
    let config = EngineConfig {
        out_dir: Some(dir.to_path_buf()),
        ..EngineConfig::default()
    };
    Interpreter::with_config(config, true)
}

#[test]
fn seed_demo_writes_the_four_panel_figure() {
    let dir = tempfile::tempdir().unwrap();
    let code = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/seed_demo.rhai"
    ))
    .unwrap();
    session_in(dir.path()).run(&code).unwrap();

    let png = std::fs::read(dir.path().join("scaling_laws.png")).unwrap();
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
    // figsize (14, 10) at 150 dpi, as the seed's savefig.
    assert_eq!((img.width(), img.height()), (2100, 1500));
    // Not blank: the four panels put ink on the page.
    let rgb = img.to_rgb8();
    let dark = rgb
        .pixels()
        .filter(|p| p.0.iter().all(|c| *c < 100))
        .count();
    assert!(dark > 10_000, "only {dark} dark pixels");

    let svg = std::fs::read_to_string(dir.path().join("scaling_laws.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("2100"));
    // Text is drawn as glyph outlines (no font needed to view the file);
    // each text path keeps its words in aria-label.
    assert!(!svg.contains("<text") && !svg.contains("font-family"));
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|n| n.attribute("aria-label"))
        .collect();
    for want in [
        "Loss vs Model Size (D = 200B tokens)",
        "Loss Landscape L(N, D)",
        "GPT-3",
        "Chinchilla",
        "LLaMA-65B",
        "10¹¹",
    ] {
        assert!(
            texts.contains(&want),
            "no text '{want}' in the SVG: {texts:?}"
        );
    }
}

#[test]
fn isolines_lie_where_the_loss_equals_their_label() {
    let law = Law::chinchilla();
    let c = studies::loss_landscape(&law, (1e9, 1e11), (1e10, 1e13), 30, 15).unwrap();
    let contours = c.contours.unwrap();
    assert!(contours.levels.len() >= 6, "{:?}", contours.levels);
    let mut sampled = 0;
    for (level, pieces) in contours.levels.iter().zip(&contours.lines) {
        assert!(!pieces.is_empty(), "level {level} has no line");
        for piece in pieces {
            for (n, d) in piece {
                let l = law.loss(*n, *d).unwrap();
                // Marching squares interpolates linearly in log space on a
                // 30 x 30 grid: within 0.2% of the level.
                assert!(
                    (l - level).abs() / level < 2e-3,
                    "L({n:e}, {d:e}) = {l} on the {level} line"
                );
                sampled += 1;
            }
        }
    }
    assert!(sampled > 100, "{sampled}");
}

#[test]
fn finer_grids_give_tighter_isolines() {
    let law = Law::chinchilla();
    let ns = scaling_lab_core::numeric::logspace(9.0, 11.0, 200).unwrap();
    let ds = scaling_lab_core::numeric::logspace(10.0, 13.0, 200).unwrap();
    let c = Contours::compute(
        &ns,
        &ds,
        (Scale::Log, Scale::Log),
        |n, d| law.loss(n, d),
        &[2.0, 2.2],
        0,
    )
    .unwrap();
    for (level, pieces) in c.levels.iter().zip(&c.lines) {
        for (n, d) in pieces.iter().flatten() {
            let l = law.loss(*n, *d).unwrap();
            assert!((l - level).abs() < 1e-4, "L = {l} on the {level} line");
        }
    }
}

#[test]
fn charts_refuse_what_they_cannot_draw() {
    assert!(Series::new(Mark::Line, vec![], vec![]).is_err());
    assert!(Series::new(Mark::Line, vec![1.0, 2.0], vec![1.0]).is_err());
    assert!(Series::new(Mark::Line, vec![1.0, f64::NAN], vec![1.0, 2.0]).is_err());
    let mut c = Chart::new(Scale::Log, Scale::Linear);
    let e = c
        .add(Series::new(Mark::Line, vec![0.0, 1.0], vec![1.0, 2.0]).unwrap())
        .unwrap_err();
    assert_eq!(e.to_string(), "xs[0] must be positive on a log axis, got 0");
    assert!(c.series.is_empty());
    assert!(render::to_png(&Figure::single(Chart::default())).is_err());
}

#[track_caller]
fn script_fails(code: &str, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let e = session_in(dir.path()).run(code).unwrap_err();
    assert!(e.message.contains(message), "`{code}`: {}", e.message);
    assert!(e.position.is_some());
}

#[test]
fn script_errors_for_bad_plots() {
    script_fails("plot_loglog([], [])", "plot_loglog: xs must not be empty");
    script_fails(
        "plot_loglog([1, 2, 3], [1, 2])",
        "plot_loglog: xs and ys must have the same length, got 3 and 2",
    );
    script_fails(
        "plot_loglog([1, -2], [1, 2])",
        "plot_loglog: xs[1] must be positive on a log axis, got -2",
    );
    script_fails(
        "let c = chart(#{log: \"xy\"}); c.line([1, 2], [0, 1]);",
        "line: ys[0] must be positive on a log axis, got 0",
    );
    script_fails(
        "chart(#{colour: \"red\"})",
        "chart: unknown option 'colour'",
    );
    script_fails(
        "let c = chart(); c.line([1], [1], #{color: \"mauve\"});",
        "unknown colour 'mauve'",
    );
    script_fails(
        "plot([1, 2], [1, 2]).save(\"plot.jpg\")",
        "'plot.jpg' (use .png or .svg)",
    );
    script_fails(
        "figure(#{size: [1000, 1000], dpi: 100})",
        "between 50 and 10,000 pixels a side",
    );
    script_fails(
        "let f = figure(); f.add(plot([1], [1])); f.add(plot([1], [1]));",
        "at most rows x cols charts",
    );
    script_fails(
        "chart().save(\"empty.png\")",
        "chart (add a line, scatter or contour first) must not be empty",
    );
    script_fails(
        "plot_loss_landscape(law(\"chinchilla\"), #{N_range: [1e11, 1e9]})",
        "option N_range must be [low, high] with low < high, got [1e11, 1e9]",
    );
}

#[test]
fn a_failed_save_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session_in(dir.path());
    let e = s
        .run("plot([1, 2], [1, 2]).save(\"no/such/dir/plot.png\")")
        .unwrap_err();
    assert!(e.message.contains("does not exist"), "{}", e.message);
    // A read-only folder: the temp file cannot be created, nothing is left.
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).unwrap();
    let r = s.run("plot([1, 2], [1, 2]).save(\"ro/plot.png\")");
    if let Err(e) = r {
        assert!(e.message.starts_with("save:"), "{}", e.message);
    }
    // (root ignores read-only folders; either way no temp file remains)
    let leftovers: Vec<_> = std::fs::read_dir(&ro)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn single_charts_save_at_matplotlib_default_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session_in(dir.path());
    s.run(
        "let N = logspace(6, 11, 50); plot_loglog(N, chinchilla_loss(N, 200e9)).save(\"loss.png\")",
    )
    .unwrap();
    let img = image::open(dir.path().join("loss.png")).unwrap();
    assert_eq!((img.width(), img.height()), (640, 480));
}

/// A straight power law on log-log axes, drawn in pure red without a grid.
fn red_line_pixels() -> (Vec<u8>, u32, u32) {
    let mut c = Chart::new(Scale::Log, Scale::Log);
    c.grid = false;
    let xs = scaling_lab_core::numeric::logspace(6.0, 11.0, 60).unwrap();
    let ys: Vec<f64> = xs.iter().map(|x| 3.0 * x.powf(-0.3)).collect();
    let mut s = Series::new(Mark::Line, xs.to_vec(), ys).unwrap();
    s.color = Some(scaling_lab_core::plot::Rgb(255, 0, 0));
    c.add(s).unwrap();
    render::to_rgba(&Figure::single(c)).unwrap()
}

/// How red a pixel is: 0 (white, gray or black) to 1 (pure red).
fn redness(px: &[u8]) -> f64 {
    (px[0] as f64 - px[1].max(px[2]) as f64).max(0.0) / 255.0
}

#[test]
fn straight_lines_stay_straight_to_half_a_pixel() {
    let (rgba, w, h) = red_line_pixels();
    // The line's centre in each column: the redness-weighted mean row.
    let mut centres = Vec::new();
    for x in 0..w as usize {
        let (mut sum, mut weight) = (0.0, 0.0);
        for y in 0..h as usize {
            let r = redness(&rgba[(y * w as usize + x) * 4..][..4]);
            sum += r * y as f64;
            weight += r;
        }
        if weight > 0.5 {
            centres.push((x as f64, sum / weight));
        }
    }
    assert!(centres.len() > 400, "{} columns", centres.len());
    // Ignore the ends (round-off of the stroke's caps), fit a line, measure.
    let inner = &centres[5..centres.len() - 5];
    let n = inner.len() as f64;
    let (sx, sy) = inner.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
    let (mx, my) = (sx / n, sy / n);
    let slope = inner.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>()
        / inner.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>();
    let worst = inner
        .iter()
        .map(|p| (p.1 - (my + slope * (p.0 - mx))).abs())
        .fold(0.0, f64::max);
    println!(
        "straight log-log line: worst deviation {worst:.3} px over {} columns",
        inner.len()
    );
    assert!(worst < 0.5, "a straight line wobbles by {worst} px");
}

#[test]
fn line_edges_are_blended() {
    let (rgba, _, _) = red_line_pixels();
    let reds: Vec<f64> = rgba.chunks(4).map(redness).filter(|r| *r > 0.0).collect();
    let partial = reds.iter().filter(|r| **r > 0.05 && **r < 0.95).count();
    let full = reds.iter().filter(|r| **r >= 0.95).count();
    // Antialiasing: the edge pixels are partly covered, as many as the
    // fully covered core or more for a 2-pixel line.
    println!("line edges: {partial} partly covered pixels, {full} fully covered");
    assert!(partial > 300 && full > 0, "partial {partial}, full {full}");
}

/// Pixels that differ between a chart with an annotation at (x, y) and the
/// same chart without it.
fn label_pixels(x: f64, y: f64, point: bool) -> usize {
    let chart = || {
        let mut c = Chart::new(Scale::Linear, Scale::Linear);
        c.add(Series::new(Mark::Line, vec![0.0, 10.0], vec![0.0, 10.0]).unwrap())
            .unwrap();
        c
    };
    let (plain, ..) = render::to_rgba(&Figure::single(chart())).unwrap();
    let mut c = chart();
    c.annotate(scaling_lab_core::plot::Annotation {
        x,
        y,
        text: "a label long enough to cross the edge".into(),
        point,
        color: None,
        size: 10.0,
    })
    .unwrap();
    let (marked, ..) = render::to_rgba(&Figure::single(c)).unwrap();
    plain
        .chunks(4)
        .zip(marked.chunks(4))
        .filter(|(a, b)| a != b)
        .count()
}

#[test]
fn labels_near_an_edge_move_inside_instead_of_being_clipped() {
    let centre = label_pixels(2.0, 5.0, false) as f64;
    for (x, y, point) in [
        (10.0, 5.0, false),
        (10.0, 10.0, true),
        (0.0, 10.0, true),
        (10.0, 0.0, true),
    ] {
        let got = label_pixels(x, y, point) as f64;
        // A clipped label loses most of its pixels; one moved inside keeps
        // them all (a point adds its dot).
        assert!(
            got >= 0.97 * centre,
            "label at ({x}, {y}) drew {got} pixels, {centre} at the centre"
        );
    }
}
