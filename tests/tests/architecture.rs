//! The hexagon's dependency rules (DESIGN §1), checked over `cargo metadata`: a crate that
//! reaches for something its layer may not fails this test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Frameworks, drivers and runtimes that only the named layers may use.
const IO_AND_FRAMEWORKS: [&str; 10] = [
    "tokio",
    "governor",
    "actix-web",
    "sea-orm",
    "sea-orm-migration",
    "sqlx",
    "josekit",
    "argon2",
    "reqwest",
    "redis",
];
const ADAPTERS: [&str; 5] =
    ["genesis-store", "genesis-jose", "genesis-argon", "genesis-throttle", "genesis-http"];

/// Each workspace crate's normal (non-dev) dependencies.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(
            std::env::var("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned()),
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            let deps = package["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_owned())
                .collect();
            (package["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

fn assert_none_of(deps: &BTreeMap<String, Vec<String>>, krate: &str, forbidden: &[&str]) {
    let found: Vec<_> = deps[krate].iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(found.is_empty(), "{krate} may not depend on {found:?}");
}

#[test]
fn the_domain_is_pure() {
    let deps = dependencies();
    assert_none_of(&deps, "genesis-domain", &IO_AND_FRAMEWORKS);
    assert!(
        deps["genesis-domain"].iter().all(|d| !d.starts_with("genesis")),
        "the domain depends on no Genesis crate"
    );
    assert!(
        !deps["genesis-domain"].iter().any(|d| d == "async-trait" || d == "serde"),
        "no async, no wire formats"
    );
}

#[test]
fn ports_and_use_cases_know_no_framework_driver_or_adapter() {
    let deps = dependencies();
    for krate in ["genesis-ports", "genesis-app"] {
        assert_none_of(&deps, krate, &IO_AND_FRAMEWORKS);
        assert_none_of(&deps, krate, &ADAPTERS);
    }
}

#[test]
fn no_adapter_depends_on_another_adapter() {
    let deps = dependencies();
    for adapter in ADAPTERS {
        let others: Vec<&str> = ADAPTERS.iter().copied().filter(|a| *a != adapter).collect();
        assert_none_of(&deps, adapter, &others);
    }
    assert_none_of(&deps, "genesis-http", &["sea-orm", "sqlx", "josekit", "argon2"]);
    for driven in ["genesis-store", "genesis-jose", "genesis-argon", "genesis-throttle"] {
        assert_none_of(&deps, driven, &["actix-web", "genesis-app"]);
    }
}

#[test]
fn framework_types_stay_in_their_adapter() {
    let deps = dependencies();
    let users_of = |dep: &str| -> Vec<String> {
        deps.iter().filter(|(_, d)| d.iter().any(|x| x == dep)).map(|(k, _)| k.clone()).collect()
    };
    assert_eq!(users_of("actix-web"), ["genesis-http"]);
    assert_eq!(users_of("josekit"), ["genesis-jose"]);
    assert_eq!(users_of("argon2"), ["genesis-argon"]);
    assert_eq!(users_of("sea-orm"), ["genesis-store"]);
    assert_eq!(users_of("governor"), ["genesis-throttle"]);
}
