//! Revocation (RFC 7009), introspection (RFC 7662), logout, sessions, client credentials, key
//! rotation and discovery, black-box.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::json;

use crate::api::support::{
    json_of, jwt, on_every_database, spawn_app, Engine, TestApp, NATIVE_CLIENT, SERVICE_CLIENT,
    SERVICE_SECRET,
};

on_every_database!(
    revocation_ends_chains_and_access_tokens,
    logout_and_session_management,
    introspection_is_for_authenticated_service_clients_only,
    service_clients_get_client_credentials_tokens_without_refresh,
    a_client_registered_on_the_cli_can_use_its_generated_secret,
    a_key_rotation_reaches_the_running_server_without_breaking_live_tokens,
);

async fn native_tokens(app: &TestApp) -> (String, String, String) {
    let (id, username, password) = app.new_user().await;
    let body = json_of(app.native_login(&username, &password).await).await;
    (
        id,
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn revoke(app: &TestApp, token: &str, hint: Option<&str>) -> Response {
    let mut form = vec![("token", token), ("client_id", NATIVE_CLIENT)];
    if let Some(hint) = hint {
        form.push(("token_type_hint", hint));
    }
    app.post_form("/oauth/revoke", &form).await
}

async fn revocation_ends_chains_and_access_tokens(app: TestApp) {
    let (_, access, refresh) = native_tokens(&app).await;
    // Unknown tokens: 200 and nothing else.
    assert_eq!(revoke(&app, "no-such-token", None).await.status(), 200);
    let missing = app.post_form("/oauth/revoke", &[("client_id", NATIVE_CLIENT)]).await;
    assert_eq!(json_of(missing).await["error"], "invalid_request");

    // Revoking the access token kills it at once; the refresh chain lives on.
    assert_eq!(revoke(&app, &access, Some("access_token")).await.status(), 200);
    assert_eq!(app.get_with_token("/users/me", &access).await.status(), 401);
    assert_eq!(json_of(app.introspect(&access).await).await, json!({"active": false}));

    // Revoking the refresh token ends its chain.
    assert_eq!(json_of(app.introspect(&refresh).await).await["active"], true);
    assert_eq!(revoke(&app, &refresh, None).await.status(), 200);
    let after = app.refresh(&refresh, NATIVE_CLIENT).await;
    assert_eq!(json_of(after).await["error"], "invalid_grant");
    assert_eq!(json_of(app.introspect(&refresh).await).await, json!({"active": false}));
}

async fn logout_and_session_management(app: TestApp) {
    let (_, username, password) = app.new_user().await;
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let body = json_of(app.native_login(&username, &password).await).await;
        sessions.push(body["access_token"].as_str().unwrap().to_owned());
    }
    let current = &sessions[2];
    let listed = json_of(app.get_with_token("/auth/sessions", current).await).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    let (_, claims) = jwt::parts(&sessions[0]);
    assert!(
        items.iter().any(|s| s["id"] == claims["sid"]),
        "a session's id is the sid of its tokens"
    );

    // Another user cannot see or revoke these sessions.
    let (_, intruder) = app.user_token().await;
    let sid = claims["sid"].as_str().unwrap();
    let foreign = app
        .client
        .delete(app.url(&format!("/auth/sessions/{sid}")))
        .bearer_auth(&intruder)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404);
    assert_eq!(
        app.get_with_token("/users/me", &sessions[0]).await.status(),
        200,
        "untouched by the intruder"
    );

    // The owner revokes one session: its access token dies at once.
    let own = app
        .client
        .delete(app.url(&format!("/auth/sessions/{sid}")))
        .bearer_auth(current)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 204);
    assert_eq!(app.get_with_token("/users/me", &sessions[0]).await.status(), 401);

    // Revoking all but the current one leaves only the current one.
    let others =
        app.client.delete(app.url("/auth/sessions")).bearer_auth(current).send().await.unwrap();
    assert_eq!(others.status(), 204);
    assert_eq!(app.get_with_token("/users/me", &sessions[1]).await.status(), 401);
    let remaining = json_of(app.get_with_token("/auth/sessions", current).await).await;
    assert_eq!(remaining["items"].as_array().unwrap().len(), 1);

    // Logout ends the current session, kills its access token and clears the cookie.
    let logout = app.client.post(app.url("/logout")).bearer_auth(current).send().await.unwrap();
    assert_eq!(logout.status(), 204);
    let cleared = logout.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(
        cleared.starts_with("__Host-genesis_rt=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(app.get_with_token("/users/me", current).await.status(), 401);
}

async fn introspection_is_for_authenticated_service_clients_only(app: TestApp) {
    let (user_id, access, _) = native_tokens(&app).await;
    let anonymous = app.post_form("/oauth/introspect", &[("token", access.as_str())]).await;
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().get("www-authenticate").is_some());
    assert_eq!(json_of(anonymous).await["error"], "invalid_client");
    let wrong_secret = app
        .client
        .post(app.url("/oauth/introspect"))
        .basic_auth(SERVICE_CLIENT, Some("wrong-secret-wrong-secret-wrong-secret"))
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), 401);
    let public_client = app
        .post_form("/oauth/introspect", &[("token", access.as_str()), ("client_id", NATIVE_CLIENT)])
        .await;
    assert_eq!(public_client.status(), 401);

    let active = json_of(app.introspect(&access).await).await;
    assert_eq!(active["active"], true);
    assert_eq!(active["sub"], user_id.as_str());
    assert_eq!(active["client_id"], NATIVE_CLIENT);
    assert_eq!(active["iss"], app.base.as_str());
    for garbage in ["garbage", "a.b.c", ""] {
        let response = app.introspect(garbage).await;
        if garbage.is_empty() {
            assert_eq!(response.status(), 400);
        } else {
            assert_eq!(json_of(response).await, json!({"active": false}), "{garbage}");
        }
    }
    // Form credentials work too (client_secret_post).
    let post = app
        .post_form(
            "/oauth/introspect",
            &[
                ("token", access.as_str()),
                ("client_id", SERVICE_CLIENT),
                ("client_secret", SERVICE_SECRET),
            ],
        )
        .await;
    assert_eq!(json_of(post).await["active"], true);
}

async fn service_clients_get_client_credentials_tokens_without_refresh(app: TestApp) {
    let grant = |secret: &'static str, scope: Option<&'static str>| {
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        app.client
            .post(app.url("/token"))
            .basic_auth(SERVICE_CLIENT, Some(secret))
            .form(&form)
            .send()
    };
    let issued = grant(SERVICE_SECRET, Some("reports.read")).await.unwrap();
    assert_eq!(issued.status(), 200);
    let body = json_of(issued).await;
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["scope"], "reports.read");
    let token = body["access_token"].as_str().unwrap();
    let (_, claims) = jwt::parts(token);
    assert_eq!(claims["sub"], SERVICE_CLIENT);
    assert_eq!(claims["client_id"], SERVICE_CLIENT);
    assert_eq!(
        app.get_with_token("/users/me", token).await.status(),
        401,
        "a client is not a user"
    );

    let wrong = grant("not-the-secret-not-the-secret-00000", None).await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    assert_eq!(json_of(wrong).await["error"], "invalid_client");
    assert_eq!(
        json_of(grant(SERVICE_SECRET, Some("admin")).await.unwrap()).await["error"],
        "invalid_scope"
    );
    let public = app
        .post_form("/token", &[("grant_type", "client_credentials"), ("client_id", NATIVE_CLIENT)])
        .await;
    assert_eq!(json_of(public).await["error"], "invalid_client");
}

async fn a_client_registered_on_the_cli_can_use_its_generated_secret(app: TestApp) {
    let created = app.cli(
        &["clients", "create", "--id", "reports", "--kind", "service", "--scope", "reports.read"],
        "",
    );
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let stdout = String::from_utf8(created.stdout).unwrap();
    let secret = stdout
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .expect("the generated secret is printed once")
        .to_owned();
    assert!(secret.len() >= 43);
    let issued = app
        .client
        .post(app.url("/token"))
        .basic_auth("reports", Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), 200);
    let listed = app.cli(&["clients", "list", "--json"], "");
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.contains("\"reports\"") && !listed.contains(&secret),
        "listed without the secret"
    );
    let duplicate = app.cli(&["clients", "create", "--id", "reports", "--kind", "native"], "");
    assert_eq!(duplicate.status.code(), Some(1));
}

async fn a_key_rotation_reaches_the_running_server_without_breaking_live_tokens(app: TestApp) {
    let (_, old_token) = app.user_token().await;
    let (old_header, _) = jwt::parts(&old_token);
    let rotated = app.cli(&["keys", "rotate"], "");
    assert!(rotated.status.success());
    let new_kid = String::from_utf8(rotated.stdout).unwrap().trim().to_owned();

    // Within 10 s the running server publishes both keys and signs with the new one.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let kids: Vec<String> = app.jwks().await["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect();
        if kids.contains(&new_kid) {
            assert!(
                kids.contains(&old_header["kid"].as_str().unwrap().to_owned()),
                "the previous key stays published"
            );
            break;
        }
        assert!(Instant::now() < deadline, "the rotation was not picked up within 10 s");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (_, new_token) = app.user_token().await;
    assert_eq!(jwt::parts(&new_token).0["kid"], new_kid.as_str());
    assert_eq!(
        app.get_with_token("/users/me", &old_token).await.status(),
        200,
        "a live token survives the rotation"
    );
    assert_eq!(app.get_with_token("/users/me", &new_token).await.status(), 200);

    // Retiring the previous key unpublishes it; the active one cannot be retired.
    assert_eq!(app.cli(&["keys", "retire", &new_kid], "").status.code(), Some(1));
    let retired = app.cli(&["keys", "retire", old_header["kid"].as_str().unwrap()], "");
    assert!(retired.status.success(), "{}", String::from_utf8_lossy(&retired.stderr));
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.get_with_token("/users/me", &old_token).await.status() != 401 {
        assert!(Instant::now() < deadline, "the retirement was not picked up within 10 s");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(app.jwks().await["keys"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn discovery_lists_only_what_is_implemented() {
    let app = spawn_app(Engine::Sqlite).await;
    for path in ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"] {
        let metadata = json_of(app.get(path).await).await;
        assert_eq!(metadata["issuer"], app.base.as_str());
        assert_eq!(metadata["token_endpoint"], format!("{}/oauth/token", app.base));
        assert_eq!(metadata["jwks_uri"], format!("{}/.well-known/jwks.json", app.base));
        assert_eq!(metadata["revocation_endpoint"], format!("{}/oauth/revoke", app.base));
        assert_eq!(metadata["introspection_endpoint"], format!("{}/oauth/introspect", app.base));
        assert_eq!(
            metadata["grant_types_supported"],
            json!(["password", "refresh_token", "client_credentials"])
        );
        assert!(
            metadata.get("authorization_endpoint").is_none(),
            "no authorization endpoint exists"
        );
    }
    let jwks_ok = app.get("/.well-known/jwks.json").await;
    assert_eq!(jwks_ok.status(), 200);
}

#[tokio::test]
async fn no_token_secret_or_cookie_reaches_the_logs_through_a_full_flow() {
    let app = spawn_app(Engine::Sqlite).await;
    let (_, username, password) = app.new_user().await;
    let mut secrets = vec![password.clone(), SERVICE_SECRET.to_owned()];

    let browser = app.login(&username, &password).await;
    let cookie = browser
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    secrets.push(cookie.trim_start_matches("__Host-genesis_rt=").to_owned());
    secrets.push(json_of(browser).await["access_token"].as_str().unwrap().to_owned());

    let native = json_of(app.native_login(&username, &password).await).await;
    let (access, refresh) = (
        native["access_token"].as_str().unwrap().to_owned(),
        native["refresh_token"].as_str().unwrap().to_owned(),
    );
    let rotated = json_of(app.refresh(&refresh, NATIVE_CLIENT).await).await;
    let _reuse = app.refresh(&refresh, NATIVE_CLIENT).await;
    let service = json_of(
        app.client
            .post(app.url("/token"))
            .basic_auth(SERVICE_CLIENT, Some(SERVICE_SECRET))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let _ = app.introspect(&access).await;
    let (_, second_access, second_refresh) = native_tokens(&app).await;
    let _ = revoke(&app, &second_refresh, None).await;
    let _ = app.client.post(app.url("/logout")).bearer_auth(&second_access).send().await.unwrap();
    let _ = app.login(&username, "wrong password, also secret").await;
    secrets.extend([
        access,
        refresh,
        second_access,
        second_refresh,
        "wrong password, also secret".to_owned(),
    ]);
    secrets.push(rotated["access_token"].as_str().unwrap().to_owned());
    secrets.push(rotated["refresh_token"].as_str().unwrap().to_owned());
    secrets.push(service["access_token"].as_str().unwrap().to_owned());

    let logs = app.logs();
    assert!(logs.contains("served"));
    for secret in &secrets {
        assert!(!secret.is_empty() && !logs.contains(secret.as_str()), "a secret reached the logs");
        let signature = secret.rsplit('.').next().unwrap();
        assert!(!logs.contains(signature), "a token signature reached the logs");
    }
}
