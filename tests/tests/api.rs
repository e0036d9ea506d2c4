//! Black-box tests of the real server over HTTP. Each scenario runs on SQLite, MariaDB and
//! PostgreSQL unless it says why not.

mod api {
    pub mod support;

    pub mod cli;
    pub mod errors;
    pub mod identity;
    pub mod profiles;
    pub mod tokens;
}
