//! Registration, login and the current user.

use crate::api::support::{jwt, on_every_database, strong_password, unique, TestApp};
use serde_json::{json, Value};

on_every_database!(
    register_login_and_read_yourself,
    duplicates_in_any_case_are_one_generic_conflict,
    every_login_failure_is_the_same_invalid_grant,
    registration_errors_name_fields_and_never_echo_the_password,
    concurrent_identical_registrations_have_one_winner,
);

async fn register_login_and_read_yourself(app: TestApp) {
    let username = unique("Ada");
    let password = strong_password();
    let created = app
        .post_json("/users", &json!({"username": username, "email": format!("{username}@Example.com"), "password": password}))
        .await;
    assert_eq!(created.status(), 201);
    let user: Value = created.json().await.unwrap();
    assert_eq!(user["username"], username.as_str());
    assert_eq!(user["role"], "user");
    assert_eq!(user["disabled"], false);
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());

    // Usernames are case-insensitive at login.
    let login = app.login(&username.to_uppercase(), &password).await;
    assert_eq!(login.status(), 200);
    assert_eq!(login.headers()["cache-control"], "no-store");
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(
        body.get("refresh_token").is_none(),
        "browser clients never get a refresh token in the body"
    );
    let token = body["access_token"].as_str().unwrap();

    let (header, claims) = jwt::parts(token);
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(claims["iss"], app.base.as_str());
    assert_eq!(claims["aud"], "genesis-api");
    assert_eq!(claims["sub"], user["id"]);
    assert_eq!(claims["client_id"], "browser");
    assert_eq!(claims["role"], "user");
    for claim in ["iat", "exp", "jti", "sid", "scope"] {
        assert!(claims.get(claim).is_some(), "claim {claim} missing");
    }
    assert!(
        claims.get("email").is_none() && claims.get("username").is_none(),
        "nothing else personal"
    );

    let me = app.get_with_token("/users/me", token).await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.headers()["cache-control"], "no-store");
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], user["id"]);
    assert!(me["last_login_at"].is_string());

    // The trailing slash is optional.
    assert_eq!(app.get_with_token("/users/me/", token).await.status(), 200);
}

async fn duplicates_in_any_case_are_one_generic_conflict(app: TestApp) {
    let (_, username, _) = app.new_user().await;
    let by_name = app
        .post_json("/users", &json!({"username": username.to_uppercase(), "email": format!("{}@other.example", unique("x")), "password": strong_password()}))
        .await;
    assert_eq!(by_name.status(), 409);
    let by_name: Value = by_name.json().await.unwrap();
    let by_email = app
        .post_json("/users", &json!({"username": unique("v"), "email": format!("{}@EXAMPLE.COM", username.to_uppercase()), "password": strong_password()}))
        .await;
    assert_eq!(by_email.status(), 409);
    let by_email: Value = by_email.json().await.unwrap();
    assert_eq!(by_name["detail"], by_email["detail"], "a conflict never says which field is taken");
}

async fn every_login_failure_is_the_same_invalid_grant(app: TestApp) {
    let (_, username, password) = app.new_user().await;
    let wrong_password = app.login(&username, "not the right password").await;
    let unknown_user = app.login(&unique("ghost"), &password).await;
    let invalid_name = app.login("a b", &password).await;
    let mut bodies = Vec::new();
    for response in [wrong_password, unknown_user, invalid_name] {
        assert_eq!(response.status(), 400);
        assert_eq!(response.headers()["cache-control"], "no-store");
        bodies.push(response.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]), "{bodies:?}");
    let body: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(body["error"], "invalid_grant");

    // A missing grant_type with username and password is the password grant.
    let implicit =
        app.post_form("/token", &[("username", &username), ("password", &password)]).await;
    assert_eq!(implicit.status(), 200);
    // Both token paths are one handler.
    let oauth = app
        .post_form(
            "/oauth/token",
            &[("grant_type", "password"), ("username", &username), ("password", &password)],
        )
        .await;
    assert_eq!(oauth.status(), 200);
}

async fn registration_errors_name_fields_and_never_echo_the_password(app: TestApp) {
    let secret = "tiny-pw";
    let response = app
        .post_json("/users", &json!({"username": "x", "email": "not-an-email", "password": secret}))
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let text = response.text().await.unwrap();
    assert!(!text.contains(secret));
    let body: Value = serde_json::from_str(&text).unwrap();
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "email", "password"]);
    assert!(body["request_id"].is_string());

    // Server-owned fields cannot be sent.
    let name = unique("m");
    let mass = app
        .post_json("/users", &json!({"username": name, "email": format!("{name}@example.com"), "password": strong_password(), "role": "admin"}))
        .await;
    assert_eq!(mass.status(), 422);
    // ... and nothing was created: the same username registers fine afterwards.
    let clean = app.post_json("/users", &json!({"username": name, "email": format!("{name}@example.com"), "password": strong_password()})).await;
    assert_eq!(clean.status(), 201);
}

async fn concurrent_identical_registrations_have_one_winner(app: TestApp) {
    let name = unique("race");
    let body = json!({"username": name, "email": format!("{name}@example.com"), "password": strong_password()});
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let (client, url, body) = (app.client.clone(), app.url("/users"), body.clone());
            tokio::spawn(async move {
                client.post(url).json(&body).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
}
