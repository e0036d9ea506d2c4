//! The `genesis` binary: see the `genesis` library crate.

fn main() -> std::process::ExitCode {
    genesis::main()
}
