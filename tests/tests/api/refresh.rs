//! Refresh tokens: rotation, reuse detection, concurrency, expiry, client binding and the
//! browser cookie.

use reqwest::Response;

use crate::api::support::{
    json_of, on_every_database, spawn_app_with, Engine, TestApp, NATIVE_CLIENT, SERVICE_CLIENT,
    SERVICE_SECRET,
};

on_every_database!(
    rotation_and_reuse_detection,
    concurrent_refreshes_have_exactly_one_winner,
    a_refresh_token_is_bound_to_its_client_and_is_no_access_token,
);

async fn native_tokens(app: &TestApp) -> (String, String) {
    let (_, username, password) = app.new_user().await;
    let response = app.native_login(&username, &password).await;
    assert_eq!(response.status(), 200);
    let body = json_of(response).await;
    let refresh = body["refresh_token"]
        .as_str()
        .expect("native clients get the refresh token in the body")
        .to_owned();
    (body["access_token"].as_str().unwrap().to_owned(), refresh)
}

async fn rotation_and_reuse_detection(app: TestApp) {
    let (access, first) = native_tokens(&app).await;
    assert!(first.len() >= 43, "at least 256 bits");
    assert_eq!(first.split('.').count(), 1, "refresh tokens are opaque, not JWTs");

    let rotated = app.refresh(&first, NATIVE_CLIENT).await;
    assert_eq!(rotated.status(), 200);
    assert_eq!(rotated.headers()["cache-control"], "no-store");
    let rotated = json_of(rotated).await;
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first, "every refresh rotates");
    let new_access = rotated["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_with_token("/users/me", &new_access).await.status(), 200);

    // The alias path is the same grant.
    let third = json_of(
        app.post_form(
            "/refresh_token",
            &[("refresh_token", &second), ("client_id", NATIVE_CLIENT)],
        )
        .await,
    )
    .await;
    let third = third["refresh_token"].as_str().unwrap().to_owned();

    // Replaying a spent token is theft: the whole chain dies, the newest token included, and
    // so do the session's access tokens.
    let replay = app.refresh(&first, NATIVE_CLIENT).await;
    assert_eq!(replay.status(), 400);
    assert_eq!(json_of(replay).await["error"], "invalid_grant");
    assert_eq!(json_of(app.refresh(&third, NATIVE_CLIENT).await).await["error"], "invalid_grant");
    assert_eq!(app.get_with_token("/users/me", &access).await.status(), 401);
    assert_eq!(app.get_with_token("/users/me", &new_access).await.status(), 401);
}

async fn concurrent_refreshes_have_exactly_one_winner(app: TestApp) {
    let (_, token) = native_tokens(&app).await;
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let (client, url, token) = (app.client.clone(), app.url("/token"), token.clone());
            tokio::spawn(async move {
                let form = [
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token.as_str()),
                    ("client_id", NATIVE_CLIENT),
                ];
                client.post(url).form(&form).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 400), "{statuses:?}");
}

#[tokio::test]
async fn refresh_tokens_die_when_idle_and_at_the_absolute_lifetime() {
    // Lifetimes are kept in whole seconds, so the short test lifetimes leave a second's slack.
    for engine in [Engine::Sqlite, Engine::MariaDb] {
        // Idle: unused for longer than 2 s.
        let app =
            spawn_app_with(engine, &[("GENESIS__TOKENS__REFRESH_IDLE_TTL_SECONDS", "2")]).await;
        let (_, idle) = native_tokens(&app).await;
        tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
        assert_eq!(
            json_of(app.refresh(&idle, NATIVE_CLIENT).await).await["error"],
            "invalid_grant",
            "{engine:?}"
        );

        // Absolute: refreshed every second, the chain still dies 5 s after the login.
        let app = spawn_app_with(
            engine,
            &[
                ("GENESIS__TOKENS__REFRESH_IDLE_TTL_SECONDS", "4"),
                ("GENESIS__TOKENS__REFRESH_ABSOLUTE_TTL_SECONDS", "5"),
            ],
        )
        .await;
        let (_, mut token) = native_tokens(&app).await;
        let started = std::time::Instant::now();
        let mut refused_at = None;
        while started.elapsed() < std::time::Duration::from_secs(9) {
            tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
            let response = app.refresh(&token, NATIVE_CLIENT).await;
            if response.status() != 200 {
                refused_at = Some(started.elapsed());
                break;
            }
            token = json_of(response).await["refresh_token"].as_str().unwrap().to_owned();
        }
        let refused_at = refused_at.expect("the chain outlived its absolute lifetime");
        assert!(
            refused_at >= std::time::Duration::from_secs(4),
            "{engine:?}: refused too early ({refused_at:?})"
        );
    }
}

async fn a_refresh_token_is_bound_to_its_client_and_is_no_access_token(app: TestApp) {
    let (access, token) = native_tokens(&app).await;
    // The browser client (no client_id) cannot use a native client's token...
    let as_browser = app
        .post_form("/token", &[("grant_type", "refresh_token"), ("refresh_token", &token)])
        .await;
    assert_eq!(json_of(as_browser).await["error"], "invalid_grant");
    // ... nor can a service client, which has no refresh grant at all.
    let as_service = app
        .client
        .post(app.url("/token"))
        .basic_auth(SERVICE_CLIENT, Some(SERVICE_SECRET))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(as_service).await["error"], "unauthorized_client");
    // A refresh token is not a bearer token, and an access token is not a refresh token.
    assert_eq!(app.get_with_token("/users/me", &token).await.status(), 401);
    assert_eq!(json_of(app.refresh(&access, NATIVE_CLIENT).await).await["error"], "invalid_grant");
    // The refused attempts changed nothing: the rightful client still refreshes.
    assert_eq!(app.refresh(&token, NATIVE_CLIENT).await.status(), 200);
}

fn set_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-genesis_rt="))
        .map(str::to_owned)
}

fn cookie_value(header: &str) -> String {
    header.split(';').next().unwrap().trim_start_matches("__Host-genesis_rt=").to_owned()
}

#[tokio::test]
async fn browser_clients_get_the_refresh_token_only_in_a_host_cookie() {
    let app = spawn_app_with(
        Engine::Sqlite,
        &[("GENESIS__CORS__ALLOWED_ORIGINS", "https://app.example")],
    )
    .await;
    let (_, username, password) = app.new_user().await;
    let login = app.login(&username, &password).await;
    assert_eq!(login.status(), 200);
    let header = set_cookie(&login).expect("a refresh cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(header.split("; ").any(|a| a == attribute), "{attribute} missing in {header}");
    }
    assert!(!header.contains("Domain"), "__Host- cookies have no Domain");
    let body = json_of(login).await;
    assert!(body.get("refresh_token").is_none(), "never in the body for browsers");

    let cookie = cookie_value(&header);
    let with_cookie = |origin: Option<&str>, value: &str| {
        let mut request = app
            .client
            .post(app.url("/token"))
            .header("cookie", format!("__Host-genesis_rt={value}"))
            .form(&[("grant_type", "refresh_token")]);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    // A cross-site page cannot refresh through the cookie...
    let cross_site = with_cookie(Some("https://evil.example"), &cookie).await.unwrap();
    assert_eq!(cross_site.status(), 400);
    assert_eq!(json_of(cross_site).await["error"], "invalid_request");
    // ... while the server's own origin, a listed origin, or no Origin at all can.
    let own = with_cookie(Some(app.base.as_str()), &cookie).await.unwrap();
    assert_eq!(own.status(), 200);
    let next = cookie_value(&set_cookie(&own).expect("a rotated cookie"));
    assert_ne!(next, cookie);
    assert!(json_of(own).await.get("refresh_token").is_none());
    let listed = with_cookie(Some("https://app.example"), &next).await.unwrap();
    assert_eq!(listed.status(), 200);
    let last = cookie_value(&set_cookie(&listed).unwrap());
    assert_eq!(with_cookie(None, &last).await.unwrap().status(), 200);
}
