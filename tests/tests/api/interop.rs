//! Interoperability with ordinary OAuth client libraries.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::api::support::{spawn_app, Engine, NATIVE_CLIENT};

/// A Python with Authlib and Schemathesis: a virtual environment under Cargo's test scratch
/// directory, created (from the Python package registry) the first time it is needed.
pub(crate) fn python_tools() -> PathBuf {
    static SETUP: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = SETUP.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop-venv");
    let python = venv.join("bin").join("python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", "import authlib, requests, schemathesis"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return python;
    }
    let created = Command::new("python3").args(["-m", "venv"]).arg(&venv).output();
    assert!(
        created.as_ref().is_ok_and(|o| o.status.success()),
        "python3 with the venv module is needed for the interoperability tests (apt-get install python3 python3-venv): {created:?}"
    );
    let installed = Command::new(venv.join("bin").join("pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "authlib>=1.3",
            "requests>=2.31",
            "schemathesis>=4,<5",
        ])
        .output()
        .unwrap();
    assert!(
        installed.status.success(),
        "pip could not install Authlib and Schemathesis: {}",
        String::from_utf8_lossy(&installed.stderr)
    );
    python
}

#[tokio::test]
async fn authlib_completes_the_password_and_refresh_grants_as_a_native_client() {
    let app = spawn_app(Engine::Sqlite).await;
    let (id, username, password) = app.new_user().await;
    let python = python_tools();
    let script = crate::api::support::manifest_dir().join("interop").join("authlib_native_flow.py");
    let base = app.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .args([&base, NATIVE_CLIENT, &username, &password])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the Authlib flow failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8(output.stdout).unwrap().trim(), format!("ok {id}"));
}
