//! Refresh-token rotation under load: `workers` native-client sessions, each refreshing with the
//! token its previous refresh returned, for `seconds`. Prints one JSON object: requests, errors,
//! requests per second, p50 and p99 latency in milliseconds.
//!
//! Usage: refresh-load BASE_URL NATIVE_CLIENT_ID WORKERS SECONDS
#![allow(clippy::print_stdout)] // the tool's one line of output

use std::error::Error;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

type Outcome = Result<(u64, u64, Vec<u32>), Box<dyn Error + Send + Sync>>;

async fn session(
    client: &reqwest::Client,
    base: &str,
    client_id: &str,
    n: usize,
) -> Result<String, Box<dyn Error + Send + Sync>> {
    let name = format!("load{n}x{}", std::process::id());
    let password = format!("bench-passphrase-{n}-violet-kettle-drums");
    let body =
        json!({"username": name, "email": format!("{name}@example.com"), "password": password});
    client.post(format!("{base}/users")).json(&body).send().await?;
    let form = [
        ("grant_type", "password"),
        ("username", name.as_str()),
        ("password", password.as_str()),
        ("client_id", client_id),
    ];
    let token: Value =
        client.post(format!("{base}/token")).form(&form).send().await?.json().await?;
    Ok(token["refresh_token"].as_str().ok_or("no refresh token in the login response")?.to_owned())
}

async fn worker(
    client: reqwest::Client,
    base: String,
    client_id: String,
    mut token: String,
    until: Instant,
) -> Outcome {
    let (mut ok, mut errors, mut latencies) = (0_u64, 0_u64, Vec::new());
    while Instant::now() < until {
        let started = Instant::now();
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", token.as_str()),
            ("client_id", client_id.as_str()),
        ];
        let response = client.post(format!("{base}/token")).form(&form).send().await;
        latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        match response {
            Ok(r) if r.status().is_success() => {
                let body: Value = r.json().await?;
                token = body["refresh_token"].as_str().ok_or("no refresh token")?.to_owned();
                ok += 1;
            }
            _ => {
                errors += 1;
                break; // a broken chain cannot continue
            }
        }
    }
    Ok((ok, errors, latencies))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, client_id, workers, seconds] = args.as_slice() else {
        return Err("usage: refresh-load BASE_URL NATIVE_CLIENT_ID WORKERS SECONDS".into());
    };
    let (workers, seconds): (usize, u64) = (workers.parse()?, seconds.parse()?);
    let client = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(workers).build()?;
    let mut tokens = Vec::with_capacity(workers);
    for n in 0..workers {
        tokens.push(session(&client, base, client_id, n).await?);
    }
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let handles: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            tokio::spawn(worker(client.clone(), base.clone(), client_id.clone(), token, until))
        })
        .collect();
    let (mut ok, mut errors, mut latencies) = (0_u64, 0_u64, Vec::new());
    for handle in handles {
        let (o, e, l) = handle.await??;
        ok += o;
        errors += e;
        latencies.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .map_or(0.0, |us| f64::from(*us) / 1000.0)
    };
    let report = json!({
        "requests": ok + errors,
        "errors": errors,
        "rps": ok as f64 / elapsed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
    });
    println!("{report}");
    Ok(())
}
