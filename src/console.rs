//! Writing to the terminal from the front ends.

/// Write a line to standard output. When the reader has gone (`run ... |
/// head`), end the process quietly, as Unix tools do; never panic.
pub fn out(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}").and_then(|_| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}
