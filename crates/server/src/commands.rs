//! One module per subcommand.

pub(crate) mod config;
pub(crate) mod keys;
pub(crate) mod migrate;
pub(crate) mod serve;
pub(crate) mod users;
