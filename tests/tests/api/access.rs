//! Access control: admin-only routes, object-level authorisation, re-authenticated
//! self-service, disabled users, deletion cascades, races.

use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::api::support::{
    json_of, on_every_database, strong_password, unique, TestApp, NATIVE_CLIENT,
};

on_every_database!(
    admin_routes_need_an_administrator,
    self_service_needs_the_current_password,
    a_password_change_ends_every_other_session,
    deleting_yourself_removes_everything_at_once,
    a_disabled_user_gets_nothing_and_loses_every_session,
    concurrent_profile_creation_has_one_winner,
    a_user_cannot_touch_another_users_data,
);

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn admin_routes_need_an_administrator(app: TestApp) {
    let (_, admin) = app.admin_token().await;
    let (user_id, user) = app.user_token().await;
    let (other_id, _) = app.user_token().await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let routes = [
        (Method::GET, "/users".to_owned(), None),
        (Method::GET, format!("/users/{other_id}"), None),
        (Method::PATCH, format!("/users/{other_id}"), Some(json!({"disabled": false}))),
        (Method::DELETE, format!("/users/{unknown}"), None),
        (Method::GET, format!("/users/{unknown}"), None),
    ];
    for (method, path, body) in &routes {
        let anonymous = call(&app, method.clone(), path, None, body.clone()).await;
        assert_eq!(anonymous.status(), 401, "{method} {path}");
        // A non-admin cannot tell an unknown id from a forbidden one.
        let forbidden = call(&app, method.clone(), path, Some(&user), body.clone()).await;
        assert_eq!(forbidden.status(), 403, "{method} {path}");
        assert_eq!(
            json_of(forbidden).await["detail"],
            "This action is reserved to administrators."
        );
    }

    let listed = json_of(call(&app, Method::GET, "/users?limit=2", Some(&admin), None).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let cursor = listed["next_cursor"].as_str().expect("more than two users").to_owned();
    let next = json_of(
        call(&app, Method::GET, &format!("/users?limit=2&cursor={cursor}"), Some(&admin), None)
            .await,
    )
    .await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert!(next["next_cursor"].is_null());
    let me = json_of(call(&app, Method::GET, "/users/me", Some(&user), None).await).await;
    let search = me["email"].as_str().unwrap()[..8].to_uppercase();
    let found =
        json_of(call(&app, Method::GET, &format!("/users?q={search}"), Some(&admin), None).await)
            .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "q is a case-insensitive substring");
    assert_eq!(found["items"][0]["id"], user_id.as_str());
    assert_eq!(call(&app, Method::GET, "/users?limit=0", Some(&admin), None).await.status(), 422);
    assert_eq!(call(&app, Method::GET, "/users?limit=101", Some(&admin), None).await.status(), 422);
    assert_eq!(
        call(&app, Method::GET, "/users?cursor=%%%", Some(&admin), None).await.status(),
        422
    );
    assert_eq!(
        call(&app, Method::GET, &format!("/users/{unknown}"), Some(&admin), None).await.status(),
        404
    );
    assert_eq!(
        call(&app, Method::GET, "/users/not-a-uuid", Some(&admin), None).await.status(),
        404
    );

    // The role is the server's: a promoted user's old token (role claim "user") now works.
    let promoted = call(
        &app,
        Method::PATCH,
        &format!("/users/{user_id}"),
        Some(&admin),
        Some(json!({"role": "admin"})),
    )
    .await;
    assert_eq!(json_of(promoted).await["role"], "admin");
    assert_eq!(call(&app, Method::GET, "/users", Some(&user), None).await.status(), 200);
    // Only role and disabled can be set.
    let mass = call(
        &app,
        Method::PATCH,
        &format!("/users/{other_id}"),
        Some(&admin),
        Some(json!({"email": "x@example.com"})),
    )
    .await;
    assert_eq!(mass.status(), 422);
}

async fn self_service_needs_the_current_password(app: TestApp) {
    let (_, username, password) = app.new_user().await;
    let token = json_of(app.login(&username, &password).await).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let new_name = unique("renamed");
    let missing =
        call(&app, Method::PATCH, "/users/me", Some(&token), Some(json!({"username": new_name})))
            .await;
    assert_eq!(missing.status(), 422);
    let wrong = call(
        &app,
        Method::PATCH,
        "/users/me",
        Some(&token),
        Some(json!({"username": new_name, "current_password": "wrong password!"})),
    )
    .await;
    assert_eq!(wrong.status(), 403);
    let server_owned = call(
        &app,
        Method::PATCH,
        "/users/me",
        Some(&token),
        Some(json!({"role": "admin", "current_password": password})),
    )
    .await;
    assert_eq!(server_owned.status(), 422);
    let renamed = call(
        &app,
        Method::PATCH,
        "/users/me",
        Some(&token),
        Some(json!({"username": new_name, "current_password": password})),
    )
    .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(json_of(renamed).await["username"], new_name.as_str());
    assert_eq!(app.login(&new_name, &password).await.status(), 200);

    let (_, taken, _) = app.new_user().await;
    let duplicate = call(
        &app,
        Method::PATCH,
        "/users/me",
        Some(&token),
        Some(json!({"username": taken.to_uppercase(), "current_password": password})),
    )
    .await;
    assert_eq!(duplicate.status(), 409);
    let refused = call(
        &app,
        Method::DELETE,
        "/users/me",
        Some(&token),
        Some(json!({"current_password": "nope nope nope"})),
    )
    .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        call(&app, Method::GET, "/users/me", Some(&token), None).await.status(),
        200,
        "nothing changed"
    );
}

async fn a_password_change_ends_every_other_session(app: TestApp) {
    let (_, username, password) = app.new_user().await;
    let first = json_of(app.native_login(&username, &password).await).await;
    let current = json_of(app.login(&username, &password).await).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let new_password = strong_password();
    let weak = call(
        &app,
        Method::PUT,
        "/users/me/password",
        Some(&current),
        Some(json!({"current_password": password, "new_password": "password1234"})),
    )
    .await;
    assert_eq!(weak.status(), 422, "a common password is refused");
    assert!(!weak.text().await.unwrap().contains("password1234"));
    let changed = call(
        &app,
        Method::PUT,
        "/users/me/password",
        Some(&current),
        Some(json!({"current_password": password, "new_password": new_password})),
    )
    .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(
        call(&app, Method::GET, "/users/me", Some(&current), None).await.status(),
        200,
        "the current session survives"
    );
    assert_eq!(
        call(&app, Method::GET, "/users/me", Some(first["access_token"].as_str().unwrap()), None)
            .await
            .status(),
        401
    );
    let refresh = app.refresh(first["refresh_token"].as_str().unwrap(), NATIVE_CLIENT).await;
    assert_eq!(json_of(refresh).await["error"], "invalid_grant");
    assert_eq!(app.login(&username, &password).await.status(), 400);
    assert_eq!(app.login(&username, &new_password).await.status(), 200);
}

async fn deleting_yourself_removes_everything_at_once(app: TestApp) {
    let (_, admin) = app.admin_token().await;
    let (id, username, password) = app.new_user().await;
    let token = json_of(app.login(&username, &password).await).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let profile = call(
        &app,
        Method::POST,
        "/profile",
        Some(&token),
        Some(json!({"given_name": "Del", "family_name": "Eted"})),
    )
    .await;
    assert_eq!(profile.status(), 201);
    let deleted = call(
        &app,
        Method::DELETE,
        "/users/me",
        Some(&token),
        Some(json!({"current_password": password})),
    )
    .await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(call(&app, Method::GET, "/users/me", Some(&token), None).await.status(), 401);
    assert_eq!(call(&app, Method::GET, "/profile/me", Some(&token), None).await.status(), 401);
    assert_eq!(
        call(&app, Method::GET, &format!("/users/{id}"), Some(&admin), None).await.status(),
        404
    );
    assert_eq!(app.login(&username, &password).await.status(), 400);
    // The name is free again: nothing of the old user is left behind.
    let again = app.post_json("/users", &json!({"username": username, "email": format!("{username}@example.com"), "password": strong_password()})).await;
    assert_eq!(again.status(), 201);
}

async fn a_disabled_user_gets_nothing_and_loses_every_session(app: TestApp) {
    let (_, admin) = app.admin_token().await;
    let (id, username, password) = app.new_user().await;
    let native = json_of(app.native_login(&username, &password).await).await;
    let access = native["access_token"].as_str().unwrap();
    let disabled = call(
        &app,
        Method::PATCH,
        &format!("/users/{id}"),
        Some(&admin),
        Some(json!({"disabled": true})),
    )
    .await;
    assert_eq!(json_of(disabled).await["disabled"], true);
    assert_eq!(call(&app, Method::GET, "/users/me", Some(access), None).await.status(), 401);
    let refresh = app.refresh(native["refresh_token"].as_str().unwrap(), NATIVE_CLIENT).await;
    assert_eq!(json_of(refresh).await["error"], "invalid_grant");
    let login = app.login(&username, &password).await;
    assert_eq!(login.status(), 400);
    let wrong = app.login(&username, "not the password at all").await;
    assert_eq!(
        login.text().await.unwrap(),
        wrong.text().await.unwrap(),
        "disabled answers exactly like a wrong password"
    );
    // Re-enabled, the user logs in again.
    call(
        &app,
        Method::PATCH,
        &format!("/users/{id}"),
        Some(&admin),
        Some(json!({"disabled": false})),
    )
    .await;
    assert_eq!(app.login(&username, &password).await.status(), 200);
    // An administrator cannot disable or demote themselves.
    let admin_id = json_of(call(&app, Method::GET, "/users/me", Some(&admin), None).await).await
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = call(
        &app,
        Method::PATCH,
        &format!("/users/{admin_id}"),
        Some(&admin),
        Some(json!({"disabled": true})),
    )
    .await;
    assert_eq!(own.status(), 422);
}

async fn concurrent_profile_creation_has_one_winner(app: TestApp) {
    let (_, token) = app.user_token().await;
    let attempts: Vec<_> = (0..10)
        .map(|_| {
            let (client, url, token) = (app.client.clone(), app.url("/profile"), token.clone());
            tokio::spawn(async move {
                let body = json!({"given_name": "Race", "family_name": "Condition"});
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
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

async fn a_user_cannot_touch_another_users_data(app: TestApp) {
    let (victim_id, victim) = app.user_token().await;
    let (_, attacker) = app.user_token().await;
    call(
        &app,
        Method::POST,
        "/profile",
        Some(&victim),
        Some(json!({"given_name": "Vic", "family_name": "Tim"})),
    )
    .await;
    for (method, path) in [
        (Method::GET, format!("/users/{victim_id}")),
        (Method::DELETE, format!("/users/{victim_id}")),
        (Method::PATCH, format!("/users/{victim_id}")),
    ] {
        let response =
            call(&app, method.clone(), &path, Some(&attacker), Some(json!({"role": "admin"})))
                .await;
        assert_eq!(response.status(), 403, "{method} {path}");
    }
    // Profile routes only ever address the caller's own profile.
    assert_eq!(call(&app, Method::GET, "/profile/me", Some(&attacker), None).await.status(), 404);
    let victim_profile =
        json_of(call(&app, Method::GET, "/profile/me", Some(&victim), None).await).await;
    assert_eq!(victim_profile["given_name"], "Vic");
    assert_eq!(call(&app, Method::GET, "/users/me", Some(&victim), None).await.status(), 200);
}
