//! Fresh databases for tests: created with a unique name, dropped afterwards.

use std::path::Path;

use sea_orm::{ConnectionTrait, Database};

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    MariaDb,
    Postgres,
}

const MARIADB_ADMIN: &str = "mysql://root@127.0.0.1:3306";
const POSTGRES_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

const START_MARIADB: &str =
    "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd";
const START_POSTGRES: &str =
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

/// A database that exists for one test.
pub(crate) struct TestDatabase {
    pub url: String,
    pub drop_with: Option<(&'static str, String)>,
}

impl TestDatabase {
    pub(crate) async fn create(db: Engine, workdir: &Path) -> Self {
        let name = format!("genesis_t_{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
        match db {
            Engine::Sqlite => Self {
                url: format!("sqlite://{}?mode=rwc", workdir.join("genesis.db").display()),
                drop_with: None,
            },
            Engine::MariaDb => {
                admin(
                    MARIADB_ADMIN,
                    "MariaDB on 127.0.0.1:3306 (user root, no password)",
                    START_MARIADB,
                    &format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4"),
                )
                .await;
                Self {
                    url: format!("{MARIADB_ADMIN}/{name}"),
                    drop_with: Some((MARIADB_ADMIN, format!("DROP DATABASE IF EXISTS `{name}`"))),
                }
            }
            Engine::Postgres => {
                admin(
                    POSTGRES_ADMIN,
                    "PostgreSQL on 127.0.0.1:5432 (trust auth)",
                    START_POSTGRES,
                    &format!("CREATE DATABASE \"{name}\""),
                )
                .await;
                Self {
                    url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
                    drop_with: Some((
                        POSTGRES_ADMIN,
                        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    )),
                }
            }
        }
    }

    /// Drops the database (blocking; called once the server has stopped).
    pub(crate) fn drop_now(&mut self) {
        let Some((admin_url, statement)) = self.drop_with.take() else { return };
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(conn) = Database::connect(admin_url).await {
                    let _ = conn.execute_unprepared(&statement).await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

async fn admin(url: &str, what: &str, start: &str, statement: &str) {
    let conn = match Database::connect(url).await {
        Ok(conn) => conn,
        Err(err) => panic!("{what} is unreachable ({err}). Start it with: {start}"),
    };
    if let Err(err) = conn.execute_unprepared(statement).await {
        panic!("{what}: cannot create a test database ({err})");
    }
    let _ = conn.close().await;
}

/// Runs a statement as the PostgreSQL administrator (for outage tests).
pub async fn postgres_admin(statement: &str) {
    let conn = Database::connect(POSTGRES_ADMIN).await.unwrap();
    conn.execute_unprepared(statement).await.unwrap();
    let _ = conn.close().await;
}
