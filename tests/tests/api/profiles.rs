//! The caller's own profile.

use crate::api::support::{on_every_database, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_every_database!(
    profile_lifecycle_for_the_caller_only,
    server_owned_and_invalid_fields_are_refused
);

async fn profile_lifecycle_for_the_caller_only(app: TestApp) {
    let (alice_id, alice) = app.user_token().await;
    let (_, bob) = app.user_token().await;

    assert_eq!(app.get_with_token("/profile/me", &alice).await.status(), 404);
    let created = app
        .send_json(
            Method::POST,
            "/profile",
            &alice,
            &json!({"given_name": "Alice", "family_name": "Liddell", "locale": "en-GB"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["user_id"], alice_id.as_str());
    assert_eq!(created["nick_name"], Value::Null);

    let again = app
        .send_json(
            Method::POST,
            "/profile",
            &alice,
            &json!({"given_name": "A", "family_name": "L"}),
        )
        .await;
    assert_eq!(again.status(), 409);

    // Bob sees his own (absent) profile, never Alice's.
    assert_eq!(app.get_with_token("/profile/me", &bob).await.status(), 404);

    let patched = app
        .send_json(
            Method::PATCH,
            "/profile/me",
            &alice,
            &json!({"nick_name": "ally", "locale": null}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["nick_name"], "ally");
    assert_eq!(patched["locale"], Value::Null);
    assert_eq!(patched["given_name"], "Alice");

    let replaced = app
        .send_json(
            Method::PUT,
            "/profile/me",
            &alice,
            &json!({"given_name": "Alicia", "family_name": "Liddell"}),
        )
        .await;
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["nick_name"], Value::Null, "PUT replaces every field");

    let read: Value = app.get_with_token("/profile/me", &alice).await.json().await.unwrap();
    assert_eq!(read["given_name"], "Alicia");

    let deleted =
        app.client.delete(app.url("/profile/me")).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get_with_token("/profile/me", &alice).await.status(), 404);
    let deleted_again =
        app.client.delete(app.url("/profile/me")).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(deleted_again.status(), 404);

    // Without a token: 401 with a Bearer challenge.
    let anonymous = app.get("/profile/me").await;
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
}

async fn server_owned_and_invalid_fields_are_refused(app: TestApp) {
    let (_, token) = app.user_token().await;
    for owned in ["user_id", "sub", "email", "updated_at"] {
        let mut body = json!({"given_name": "Eve", "family_name": "Mallory"});
        body[owned] = json!("00000000-0000-0000-0000-000000000000");
        let response = app.send_json(Method::POST, "/profile", &token, &body).await;
        assert_eq!(response.status(), 422, "{owned}");
    }
    let invalid = app
        .send_json(Method::POST, "/profile", &token, &json!({"given_name": "", "family_name": "X", "birthdate": "1990-02-30", "picture": "javascript:alert(1)"}))
        .await;
    assert_eq!(invalid.status(), 422);
    let body: Value = invalid.json().await.unwrap();
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["given_name", "picture", "birthdate"]);
    // Nothing was written by the refused requests.
    assert_eq!(app.get_with_token("/profile/me", &token).await.status(), 404);
    let null_name = app
        .send_json(
            Method::POST,
            "/profile",
            &token,
            &json!({"given_name": "Eve", "family_name": "M"}),
        )
        .await;
    assert_eq!(null_name.status(), 201);
    let cleared =
        app.send_json(Method::PATCH, "/profile/me", &token, &json!({"given_name": null})).await;
    assert_eq!(cleared.status(), 422, "a name cannot be cleared");
}
