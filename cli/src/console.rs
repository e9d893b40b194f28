//! Writing to the terminal from the front ends.

use std::io::Write;
use std::sync::Arc;

use scaling_lab_script::session::{Event, EventSink};

/// Write a line to standard output. When the reader has gone (`run ... |
/// head`), end the process quietly, as Unix tools do; any other failure
/// (a full disk, an I/O error) is an error: said on standard error, exit 1.
pub fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}").and_then(|_| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot write to standard output: {e}"
        );
        std::process::exit(1);
    }
}

/// A line on standard error (failures to write it are ignored: there is
/// nowhere left to report them).
pub fn err(line: &str) {
    let _ = std::io::stdout().flush();
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Where a terminal session's output goes: printed lines to standard
/// output, `eprint` to standard error, `display` as text, `clear_output`
/// nowhere.
pub fn sink() -> EventSink {
    Arc::new(|e| match e {
        Event::Stdout(line) => out(&line),
        Event::Stderr(line) => err(&line),
        Event::Display(bundle) => {
            if let Some((_, text)) = bundle.into_iter().find(|(m, _)| *m == "text/plain") {
                out(&text);
            }
        }
        Event::Clear { .. } => {}
    })
}
