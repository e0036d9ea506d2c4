//! Generated inputs against every documented operation (Schemathesis, from the checked-in
//! OpenAPI document as served): no 5xx, and every response conforms to its documented schema.

use std::process::Command;

use crate::api::interop::python_tools;
use crate::api::support::{spawn_app, strong_password, unique, Engine};

#[tokio::test]
async fn generated_inputs_find_no_server_error_and_no_schema_violation() {
    let app = spawn_app(Engine::Sqlite).await;
    let (_, admin) = app.admin_token().await;
    let python = python_tools();
    let schemathesis = python.with_file_name("schemathesis");
    let url = app.url("/openapi.json");
    // A user the fuzzer may log in as, so the token endpoint also sees valid credentials.
    let _ = app
        .post_json("/users", &serde_json::json!({"username": unique("fz"), "email": format!("{}@example.com", unique("fz")), "password": strong_password()}))
        .await;
    // Run from the app's scratch directory: Schemathesis keeps its example cache in the working
    // directory, which must not be the repository.
    let workdir = app.workdir.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(schemathesis)
            .current_dir(workdir)
            .args([
                "run",
                &url,
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--phases",
                "coverage,fuzzing",
            ])
            .args([
                "--max-examples",
                "20",
                "--max-time",
                "30",
                "--warnings",
                "off",
                "--seed",
                "20261204",
            ])
            .args(["--header", &format!("Authorization: Bearer {admin}")])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("No issues found"), "{stdout}");
}
