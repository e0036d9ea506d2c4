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
