//! One module per subcommand.

pub(crate) mod audit;
mod cli_context;
pub(crate) mod clients;
pub(crate) mod config;
pub(crate) mod keys;
pub(crate) mod migrate;
pub(crate) mod serve;
pub(crate) mod users;
