//! Abuse resistance, black-box with small limits: rate limits, account throttling, no
//! enumeration, the password policy, bounded hashing under a flood.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::json;

use crate::api::support::{
    json_of, spawn_app, spawn_app_with, strong_password, unique, Engine, TestApp,
};

async fn register(app: &TestApp, username: &str, password: &str) -> Response {
    app.post_json("/users", &json!({"username": username, "email": format!("{username}@example.com"), "password": password})).await
}

#[tokio::test]
async fn token_and_registration_bursts_get_429_with_retry_after() {
    let env = [
        ("GENESIS__LIMITS__TOKEN_PER_MINUTE", "2"),
        ("GENESIS__LIMITS__TOKEN_BURST", "3"),
        ("GENESIS__LIMITS__REGISTER_PER_MINUTE", "2"),
        ("GENESIS__LIMITS__REGISTER_BURST", "2"),
    ];
    let app = spawn_app_with(Engine::Sqlite, &env).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.login("nobody-here", "whatever password").await);
    }
    let limited = statuses.pop().unwrap();
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=31).contains(&retry), "{retry}");
    assert!(json_of(limited).await["error"].is_string(), "an RFC 6749 body on the token endpoint");
    assert_eq!(statuses.iter().filter(|r| r.status() == 400).count(), 3, "the burst passed");

    // A spoofed X-Forwarded-For from an untrusted peer does not open a new bucket.
    let spoofed = app
        .client
        .post(app.url("/token"))
        .header("x-forwarded-for", "198.51.100.77")
        .form(&[("grant_type", "password"), ("username", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(spoofed.status(), 429);

    let burst = unique("burst");
    assert_eq!(register(&app, &format!("{burst}1"), &strong_password()).await.status(), 201);
    assert_eq!(register(&app, &format!("{burst}2"), &strong_password()).await.status(), 201);
    let third = register(&app, &format!("{burst}3"), &strong_password()).await;
    assert_eq!(third.status(), 429);
    assert!(third.headers().get("retry-after").is_some());
    assert!(third.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
}

#[tokio::test]
async fn one_users_write_flood_does_not_limit_another() {
    let app = spawn_app_with(
        Engine::Sqlite,
        &[("GENESIS__LIMITS__PROFILE_PER_MINUTE", "1"), ("GENESIS__LIMITS__PROFILE_BURST", "2")],
    )
    .await;
    let (_, flooder) = app.user_token().await;
    let (_, bystander) = app.user_token().await;
    let create = |token: &str| {
        app.client
            .post(app.url("/profile"))
            .bearer_auth(token.to_owned())
            .json(&json!({"given_name": "A", "family_name": "B"}))
            .send()
    };
    assert_eq!(create(&flooder).await.unwrap().status(), 201);
    assert_eq!(create(&flooder).await.unwrap().status(), 409);
    let limited = create(&flooder).await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    assert_eq!(create(&bystander).await.unwrap().status(), 201, "another user is not limited");
    // Reads are not limited.
    assert_eq!(app.get_with_token("/profile/me", &flooder).await.status(), 200);
}

#[tokio::test]
async fn the_throttle_engages_answers_like_a_wrong_password_and_releases() {
    for engine in [Engine::Sqlite, Engine::MariaDb] {
        let app = spawn_app_with(
            engine,
            &[
                ("GENESIS__LOCKOUT__MAX_FAILURES", "3"),
                ("GENESIS__LOCKOUT__BASE_DELAY_SECONDS", "2"),
                ("GENESIS__LOCKOUT__MAX_DELAY_SECONDS", "4"),
            ],
        )
        .await;
        let (_, username, password) = app.new_user().await;
        let mut wrong_answers = Vec::new();
        for _ in 0..3 {
            let response = app.login(&username, "wrong password, again").await;
            assert_eq!(response.status(), 400);
            wrong_answers.push(response.text().await.unwrap());
        }
        // Throttled: even the right password is refused, byte for byte like a wrong one.
        let throttled = app.login(&username, &password).await;
        assert_eq!(throttled.status(), 400, "{engine:?}");
        let headers: Vec<String> = throttled
            .headers()
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "x-request-id" && k != "date")
            .collect();
        let wrong = app.login(&username, "wrong password, again").await;
        let wrong_headers: Vec<String> = wrong
            .headers()
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "x-request-id" && k != "date")
            .collect();
        assert_eq!(headers, wrong_headers);
        assert_eq!(throttled.text().await.unwrap(), wrong_answers[0]);
        // The throttle survives a restart (the state is in the database).
        let restarted = app.spawn_sibling(&[
            ("GENESIS__SERVER__PUBLIC_URL", &app.base),
            ("GENESIS__LOCKOUT__MAX_FAILURES", "3"),
            ("GENESIS__LOCKOUT__BASE_DELAY_SECONDS", "2"),
            ("GENESIS__LOCKOUT__MAX_DELAY_SECONDS", "4"),
        ]);
        assert_eq!(restarted.login(&username, &password).await.status(), 400, "{engine:?}");
        // Never permanent: after the (doubled, capped) delay the right password works again.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            tokio::time::sleep(Duration::from_millis(1000)).await;
            if app.login(&username, &password).await.status() == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "{engine:?}: the throttle never released");
        }
        // A success resets the count.
        assert_eq!(app.login(&username, "wrong once more").await.status(), 400);
        assert_eq!(app.login(&username, &password).await.status(), 200);
    }
}

#[tokio::test]
async fn unknown_wrong_and_throttled_answers_are_identical() {
    let app = spawn_app_with(Engine::Sqlite, &[("GENESIS__LOCKOUT__MAX_FAILURES", "2")]).await;
    let (_, username, _) = app.new_user().await;
    let unknown = app.login(&unique("ghost"), "some password here").await.text().await.unwrap();
    let wrong = app.login(&username, "some password here").await.text().await.unwrap();
    let _ = app.login(&username, "some password here").await;
    let throttled = app.login(&username, "some password here").await.text().await.unwrap();
    assert_eq!(unknown, wrong);
    assert_eq!(wrong, throttled);
}

#[tokio::test]
async fn the_password_policy_follows_nist() {
    let app = spawn_app(Engine::Sqlite).await;
    let refused = [
        ("password1234", "common"),
        ("abcdefghijk", "11 characters"),
        ("USERNAME-is-my-password", "built from the username"),
    ];
    for (password, why) in refused {
        let name = unique("np");
        let password = password.replace("USERNAME", &name);
        let response = register(&app, &name, &password).await;
        assert_eq!(response.status(), 422, "{why}");
        let body = response.text().await.unwrap();
        assert!(!body.contains(&password), "the password is never echoed");
        assert!(body.contains("\"field\":\"password\""), "{body}");
    }
    let passphrase = "a quiet river runs past seven old mills toward the grey northern sea";
    assert_eq!(passphrase.len(), 68);
    assert_eq!(register(&app, &unique("ok"), passphrase).await.status(), 201);
    assert_eq!(register(&app, &unique("ok"), "ñandú pájaro veloz del sur").await.status(), 201);
    // Two passwords sharing their first 72 bytes are different passwords (no bcrypt truncation).
    let stem = "x9-Lq".repeat(15);
    let name = unique("long");
    assert_eq!(register(&app, &name, &format!("{stem}first")).await.status(), 201);
    assert_eq!(app.login(&name, &format!("{stem}other")).await.status(), 400);
    assert_eq!(app.login(&name, &format!("{stem}first")).await.status(), 200);
}

#[tokio::test]
async fn a_login_flood_is_shed_while_health_stays_fast() {
    let app = spawn_app_with(
        Engine::Sqlite,
        &[
            ("GENESIS__ARGON2__MEMORY_KIB", "65536"),
            ("GENESIS__ARGON2__ITERATIONS", "3"),
            ("GENESIS__ARGON2__MAX_CONCURRENT", "1"),
        ],
    )
    .await;
    let (_, username, password) = app.new_user().await;
    let flood: Vec<_> = (0..40)
        .map(|i| {
            let (client, url, username) = (app.client.clone(), app.url("/token"), username.clone());
            let password =
                if i % 2 == 0 { password.clone() } else { "wrong password here".to_owned() };
            tokio::spawn(async move {
                let form = [
                    ("grant_type", "password"),
                    ("username", username.as_str()),
                    ("password", password.as_str()),
                ];
                client.post(url).form(&form).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut slowest_health = Duration::ZERO;
    for _ in 0..10 {
        let started = Instant::now();
        assert_eq!(app.get("/health").await.status(), 200);
        slowest_health = slowest_health.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut statuses = Vec::new();
    for request in flood {
        statuses.push(request.await.unwrap());
    }
    assert!(statuses.iter().all(|s| [200, 400, 503].contains(s)), "{statuses:?}");
    assert!(statuses.contains(&503), "with one slot and a 2 s wait, a flood is shed: {statuses:?}");
    assert!(
        slowest_health < Duration::from_secs(2),
        "health took {slowest_health:?} during the flood"
    );
}

#[tokio::test]
async fn oversized_headers_and_bodies_are_refused() {
    let app = spawn_app(Engine::Sqlite).await;
    let huge_header = "a".repeat(64 * 1024);
    let response =
        app.client.get(app.url("/health")).header("x-padding", huge_header).send().await.unwrap();
    assert_eq!(response.status(), 431);
    assert!(response.headers().get("x-request-id").is_some());
    let form = "a=".to_owned() + &"b".repeat(32 * 1024);
    let big_form = app
        .client
        .post(app.url("/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(big_form.status(), 400);
    assert_eq!(app.get("/health").await.status(), 200);
}
