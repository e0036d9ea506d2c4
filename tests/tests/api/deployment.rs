//! The deployment files and the configuration reference agree with the binary: every
//! `GENESIS__` variable they set is a key the configuration accepts with that value, and every
//! key the configuration has is documented.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const VALID_KEK: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

fn repo() -> std::path::PathBuf {
    crate::api::support::manifest_dir().parent().unwrap().to_owned()
}

/// `GENESIS__…` variables set by a deployment file, with their values.
fn variables(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut found = BTreeMap::new();
    let mut pending_name: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim().trim_start_matches("- ").trim_end_matches('\\').trim();
        if let Some(name) = trimmed.strip_prefix("name: ").filter(|n| n.starts_with("GENESIS__")) {
            pending_name = Some(name.trim().to_owned());
            continue;
        }
        if let (Some(name), Some(value)) = (pending_name.take(), trimmed.strip_prefix("value: ")) {
            found.insert(name, value.trim().trim_matches('"').to_owned());
            continue;
        }
        for word in trimmed.split_whitespace() {
            let word = word.trim_start_matches("ENV").trim();
            if let Some((name, value)) =
                word.split_once('=').filter(|(n, _)| n.starts_with("GENESIS__"))
            {
                found.insert(name.to_owned(), value.trim_matches('"').to_owned());
            }
        }
        if let Some((name, value)) =
            trimmed.split_once(": ").filter(|(n, _)| n.starts_with("GENESIS__"))
        {
            found.insert(name.to_owned(), value.trim().trim_matches('"').to_owned());
        }
    }
    found
}

fn genesis_config(env: &BTreeMap<String, String>) -> std::process::Output {
    let dir = std::env::temp_dir().join(crate::api::support::unique("genesis-deploy-"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_genesis-under-test"));
    command.arg("config").current_dir(&dir).env_clear();
    for (name, value) in env {
        // Placeholders for secrets become valid values of the same kind.
        let value = if value.contains("REPLACE") && name.ends_with("KEYS__KEK") {
            VALID_KEK.to_owned()
        } else {
            value.clone()
        };
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    output
}

#[test]
fn every_variable_the_deployment_files_set_is_accepted() {
    let files = [
        "deploy/Dockerfile",
        "deploy/compose.yaml",
        "deploy/genesis.env.example",
        "deploy/k8s/deployment.yaml",
        "deploy/k8s/secret.yaml",
    ];
    let mut all = BTreeMap::new();
    for file in files {
        let found = variables(&repo().join(file));
        assert!(!found.is_empty(), "{file} sets no GENESIS__ variable");
        all.extend(found);
    }
    // The files together make a complete prod configuration.
    let output = genesis_config(&all);
    assert!(output.status.success(), "{all:?}\n{}", String::from_utf8_lossy(&output.stderr));
    let effective = String::from_utf8(output.stdout).unwrap();
    assert!(effective.contains("profile = \"prod\""));
    assert!(!effective.contains(VALID_KEK), "secrets are redacted");
}

#[test]
fn every_configuration_key_is_documented() {
    let mut everything = BTreeMap::new();
    for (name, value) in [
        ("GENESIS__SERVER__PUBLIC_URL", "http://127.0.0.1:8080"),
        ("GENESIS__SERVER__TLS_CERT", "/tmp/cert.pem"),
        ("GENESIS__SERVER__TLS_KEY", "/tmp/key.pem"),
        ("GENESIS__REDIS__URL", "redis://127.0.0.1:6379/0"),
        ("GENESIS__KEYS__KEK", VALID_KEK),
        ("GENESIS__LOG__FORMAT", "text"),
    ] {
        everything.insert(name.to_owned(), value.to_owned());
    }
    let output = genesis_config(&everything);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let reference = std::fs::read_to_string(repo().join("docs/configuration.md")).unwrap();
    let mut section = String::new();
    let mut keys = Vec::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim_matches('[').trim_matches(']').to_owned();
        } else if let Some((key, _)) = line.split_once(" = ") {
            keys.push(format!("{section}.{key}"));
        }
    }
    assert!(keys.len() > 25, "{keys:?}");
    for key in keys.iter().filter(|k| !k.starts_with("clients.") && k.as_str() != ".clients") {
        assert!(
            reference.contains(&format!("`{key}`")),
            "docs/configuration.md does not document `{key}`"
        );
    }
}
