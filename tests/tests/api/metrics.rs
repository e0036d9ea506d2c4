//! `GET /metrics`: Prometheus text that a Prometheus parser reads, with counters that move with
//! traffic. (Refusal to non-loopback peers is unit-tested in `genesis-http`: every test peer here
//! is on the loopback.)

use crate::api::support::{spawn_app, Engine, TestApp};

async fn scrape(app: &TestApp) -> prometheus_parse::Scrape {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = response.text().await.unwrap();
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    prometheus_parse::Scrape::parse(lines).expect("the exposition parses")
}

fn value(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(v)))
        .map(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => 0.0,
        })
        .sum()
}

#[tokio::test]
async fn metrics_parse_and_move_with_traffic() {
    let app = spawn_app(Engine::Sqlite).await;
    let (_, username, password) = app.new_user().await;
    let before = scrape(&app).await;
    for _ in 0..3 {
        assert_eq!(app.get("/health").await.status(), 200);
    }
    assert_eq!(app.login(&username, &password).await.status(), 200);
    assert_eq!(app.login(&username, "wrong password here").await.status(), 400);
    let after = scrape(&app).await;

    let health = |s: &prometheus_parse::Scrape| {
        value(s, "genesis_http_requests_total", &[("route", "/health"), ("status", "200")])
    };
    assert_eq!(health(&after) - health(&before), 3.0);
    let logins = |s: &prometheus_parse::Scrape, kind: &str| {
        value(s, "genesis_security_events_total", &[("type", kind)])
    };
    assert_eq!(logins(&after, "login.succeeded") - logins(&before, "login.succeeded"), 1.0);
    assert_eq!(logins(&after, "login.failed") - logins(&before, "login.failed"), 1.0);
    assert_eq!(value(&after, "genesis_build_info", &[]), 1.0);
    assert!(after
        .samples
        .iter()
        .any(|s| s.metric.starts_with("genesis_http_request_duration_seconds")));
    assert!(after.samples.iter().any(|s| s.metric.starts_with("genesis_argon2_wait_seconds")));
}
