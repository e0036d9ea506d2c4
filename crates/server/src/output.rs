//! The CLI's own output: the one module allowed to print. Never a secret.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// A result line on standard output (an id, a table row, a JSON document).
pub(crate) fn line(text: &str) {
    println!("{text}");
}

/// The one-line error message of a failed command, on standard error.
pub(crate) fn error(text: &str) {
    let single: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("genesis: {single}");
}

/// The stdout audit sink: one JSON line per committed audit record, for log shippers.
pub(crate) fn audit_line(record: &genesis_domain::ChainedRecord) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", genesis_http::audit_record_line(record));
    let _ = stdout.flush();
}
