//! The black-box harness (crate documentation: `src/main.rs`): `spawn_app` starts the real server as a child process on port 0 with
//! a fresh database (SQLite file, or a uniquely named MariaDB or PostgreSQL database that is
//! dropped afterwards) and returns a client for it. Tests talk HTTP and nothing else.
//!
//! **May depend on:** `genesis` (for the server-under-test binary), `reqwest`, `tokio`,
//! `sea-orm` (only to create and drop test databases), `josekit` (only to verify and forge
//! tokens the way a relying party or an attacker would).
//!
//! **Key decision:** a database that cannot be reached FAILS the test with the command that
//! starts it; nothing is skipped silently.

mod app;
mod database;
pub mod jwt;

pub use app::{
    introspect_with, spawn_app, spawn_app_with, strong_password, unique, TestApp, NATIVE_CLIENT,
    SERVICE_CLIENT, SERVICE_SECRET,
};
pub use database::{postgres_admin, Engine};

/// Runs one scenario `async fn NAME(app: TestApp)` on SQLite, MariaDB and PostgreSQL: the
/// macro generates a module `NAME` with one test per database.
macro_rules! on_every_database {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$scenario(crate::api::support::spawn_app(crate::api::support::Engine::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn mariadb() {
                    super::$scenario(crate::api::support::spawn_app(crate::api::support::Engine::MariaDb).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$scenario(crate::api::support::spawn_app(crate::api::support::Engine::Postgres).await).await
                }
            }
        )+
    };
}

pub(crate) use on_every_database;

/// The JSON body of a response (panics with the cause when it is not JSON).
pub async fn json_of(response: reqwest::Response) -> serde_json::Value {
    response.json().await.unwrap()
}

/// This package's directory. Cargo sets `CARGO_MANIFEST_DIR` when it runs the tests; the
/// compile-time value is only a fallback, since a build cache shared by checkouts at other
/// paths may hold a binary compiled elsewhere.
pub fn manifest_dir() -> std::path::PathBuf {
    std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned())
        .into()
}
