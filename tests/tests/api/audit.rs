//! The audit trail, black-box: every security event is recorded with the request id of the
//! response, nothing secret is kept, the chain detects tampering, survives a crash, holds under
//! concurrency, and an action whose record cannot be kept fails with nothing committed.

use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::api::support::{
    introspect_with, json_of, on_every_database, spawn_app, spawn_app_with, strong_password,
    unique, Engine, TestApp, NATIVE_CLIENT, SERVICE_SECRET,
};

on_every_database!(concurrent_logins_leave_a_chain_that_verifies);
on_every_database!(concurrent_introspections_each_keep_their_own_record);

fn request_id(response: &Response) -> String {
    response.headers()["x-request-id"].to_str().unwrap().to_owned()
}

/// The newest record of `kind`.
async fn newest(app: &TestApp, admin: &str, kind: &str) -> Value {
    let page =
        json_of(app.get_with_token(&format!("/audit?type={kind}&limit=1"), admin).await).await;
    page["items"].get(0).cloned().unwrap_or_else(|| panic!("no {kind} record"))
}

fn assert_chain_verifies(app: &TestApp) {
    let verified = verify(app);
    assert!(
        verified.status.success(),
        "{:?}: {}",
        app.db,
        String::from_utf8_lossy(&verified.stderr)
    );
}

fn verify(app: &TestApp) -> std::process::Output {
    app.cli(&["audit", "verify"], "")
}

#[tokio::test]
async fn every_security_event_is_recorded_with_its_request_id() {
    let mut app = spawn_app_with(Engine::Sqlite, &[("GENESIS__LOCKOUT__MAX_FAILURES", "2")]).await;
    let (admin_id, admin) = app.admin_token().await;
    let mut expected: Vec<(&str, String)> = Vec::new();

    let name = unique("aud");
    let password = strong_password();
    let registered = app.post_json("/users", &json!({"username": name, "email": format!("{name}@example.com"), "password": password})).await;
    expected.push(("user.registered", request_id(&registered)));
    let user_id = json_of(registered).await["id"].as_str().unwrap().to_owned();
    let failed = app.login(&name, "wrong password once").await;
    expected.push(("login.failed", request_id(&failed)));
    let native = app.native_login(&name, &password).await;
    expected.push(("login.succeeded", request_id(&native)));
    let native = json_of(native).await;
    let (access, refresh) = (
        native["access_token"].as_str().unwrap().to_owned(),
        native["refresh_token"].as_str().unwrap().to_owned(),
    );
    let rotated = app.refresh(&refresh, NATIVE_CLIENT).await;
    expected.push(("token.refreshed", request_id(&rotated)));
    let reuse = app.refresh(&refresh, NATIVE_CLIENT).await;
    expected.push(("refresh.reuse_detected", request_id(&reuse)));

    let token = json_of(app.login(&name, &password).await).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let introspected = app.introspect(&token).await;
    expected.push(("token.introspected", request_id(&introspected)));
    let profile = app
        .send_json(
            Method::POST,
            "/profile",
            &token,
            &json!({"given_name": "Au", "family_name": "Dit"}),
        )
        .await;
    expected.push(("profile.created", request_id(&profile)));
    let patched =
        app.send_json(Method::PATCH, "/profile/me", &token, &json!({"nick_name": "aud"})).await;
    expected.push(("profile.updated", request_id(&patched)));
    let deleted =
        app.client.delete(app.url("/profile/me")).bearer_auth(&token).send().await.unwrap();
    expected.push(("profile.deleted", request_id(&deleted)));
    let renamed = app
        .send_json(
            Method::PATCH,
            "/users/me",
            &token,
            &json!({"email": format!("{name}@new.example"), "current_password": password}),
        )
        .await;
    expected.push(("user.updated", request_id(&renamed)));
    let denied = app.get_with_token("/users", &token).await;
    expected.push(("access.denied", request_id(&denied)));
    let new_password = strong_password();
    let changed = app
        .send_json(
            Method::PUT,
            "/users/me/password",
            &token,
            &json!({"current_password": password, "new_password": new_password}),
        )
        .await;
    expected.push(("password.changed", request_id(&changed)));

    let second = json_of(app.native_login(&name, &new_password).await).await;
    let sid = crate::api::support::jwt::parts(second["access_token"].as_str().unwrap()).1["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked_session = app
        .client
        .delete(app.url(&format!("/auth/sessions/{sid}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    expected.push(("session.revoked", request_id(&revoked_session)));
    let third = json_of(app.native_login(&name, &new_password).await).await;
    let revoked_token = app
        .post_form(
            "/oauth/revoke",
            &[("token", third["access_token"].as_str().unwrap()), ("client_id", NATIVE_CLIENT)],
        )
        .await;
    expected.push(("token.revoked", request_id(&revoked_token)));
    let logout = app.client.post(app.url("/logout")).bearer_auth(&token).send().await.unwrap();
    expected.push(("session.logged_out", request_id(&logout)));

    let listed = app.get_with_token("/users?limit=1", &admin).await;
    expected.push(("users.listed", request_id(&listed)));
    let read = app.get_with_token(&format!("/users/{user_id}"), &admin).await;
    expected.push(("user.read", request_id(&read)));
    let promoted = app
        .send_json(Method::PATCH, &format!("/users/{user_id}"), &admin, &json!({"role": "admin"}))
        .await;
    expected.push(("role.changed", request_id(&promoted)));
    let disabled = app
        .send_json(Method::PATCH, &format!("/users/{user_id}"), &admin, &json!({"disabled": true}))
        .await;
    expected.push(("user.disabled", request_id(&disabled)));
    let removed = app
        .client
        .delete(app.url(&format!("/users/{user_id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    expected.push(("user.deleted", request_id(&removed)));

    // Throttling: a second account, two failures, then a throttled attempt.
    let (_, victim, _) = app.new_user().await;
    let _ = app.login(&victim, "wrong password one").await;
    let _ = app.login(&victim, "wrong password two").await;
    let throttled = app.login(&victim, "wrong password three").await;
    expected.push(("account.throttled", request_id(&throttled)));

    let trail = json_of(app.get_with_token("/audit?limit=500", &admin).await).await;
    let records = trail["items"].as_array().unwrap();
    for (kind, request_id) in &expected {
        let record = records
            .iter()
            .find(|r| r["type"] == *kind && r["request_id"] == request_id.as_str())
            .unwrap_or_else(|| {
                panic!("no {kind} record with the response's request id {request_id}")
            });
        assert!(
            record["time"].is_string()
                && record["outcome"].is_string()
                && record["actor"]["kind"].is_string(),
            "{record}"
        );
    }
    let failed = newest(&app, &admin, "login.failed").await;
    assert_eq!(failed["outcome"], "failure");
    assert!(failed["detail"]["reason"].is_string(), "the reason is kept internally");
    let list = newest(&app, &admin, "users.listed").await;
    assert_eq!(list["actor"]["id"], admin_id.as_str());

    // Operator actions from the CLI are recorded too.
    assert!(app.cli(&["keys", "rotate"], "").status.success());
    let old_kid = app.cli(&["keys", "list", "--json"], "");
    let previous: Vec<Value> = String::from_utf8(old_kid.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let previous = previous.iter().find(|k| k["state"] == "previous").unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(app.cli(&["keys", "retire", &previous], "").status.success());
    assert!(app
        .cli(&["clients", "create", "--id", &unique("c"), "--kind", "native"], "")
        .status
        .success());
    for kind in ["key.rotated", "key.retired", "client.created"] {
        newest(&app, &admin, kind).await;
    }

    // Nothing secret in any record, in the API or on stdout.
    let everything =
        json_of(app.get_with_token("/audit?limit=500", &admin).await).await.to_string();
    let stdout = std::fs::read_to_string(app.workdir.join("stdout.log")).unwrap();
    for secret in [
        password.as_str(),
        new_password.as_str(),
        access.as_str(),
        refresh.as_str(),
        token.as_str(),
        SERVICE_SECRET,
        "$argon2id$",
    ] {
        assert!(!everything.contains(secret), "a secret is in the audit trail");
        assert!(!stdout.contains(secret), "a secret is in the stdout sink");
    }
    let lines: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines.iter().any(|l| l["type"] == "login.succeeded"),
        "the stdout sink carries the events"
    );

    // Filters: bad dates are 422, huge limits are clamped, non-admins are refused.
    assert_eq!(app.get_with_token("/audit?since=yesterday", &admin).await.status(), 422);
    assert_eq!(app.get_with_token("/audit?limit=100000", &admin).await.status(), 200);
    let (_, user) = app.user_token().await;
    assert_eq!(app.get_with_token("/audit", &user).await.status(), 403);
    let by_subject =
        json_of(app.get_with_token(&format!("/audit?subject={user_id}&limit=500"), &admin).await)
            .await;
    assert!(by_subject["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["actor"]["id"] == user_id.as_str() || r["target"]["id"] == user_id.as_str()));

    let verified = verify(&app);
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    app.kill9();
}

async fn tamper_and_verify(engine: Engine) {
    let app = spawn_app(engine).await;
    for _ in 0..3 {
        app.new_user().await;
    }
    let intact = verify(&app);
    assert!(intact.status.success(), "{engine:?}: {}", String::from_utf8_lossy(&intact.stderr));
    assert!(String::from_utf8_lossy(&intact.stdout).contains("intact"));

    app.sql("UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 2").await;
    let changed = verify(&app);
    assert_eq!(changed.status.code(), Some(1), "{engine:?}");
    let message = String::from_utf8_lossy(&changed.stderr).to_string();
    assert!(message.contains("record 2"), "{engine:?}: {message}");

    app.sql("DELETE FROM audit_events WHERE seq = 2").await;
    let deleted = verify(&app);
    assert_eq!(deleted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&deleted.stderr).contains("record 2"));
}

#[tokio::test]
async fn verify_names_the_first_changed_or_deleted_record() {
    tamper_and_verify(Engine::Sqlite).await;
    tamper_and_verify(Engine::MariaDb).await;
}

#[tokio::test]
async fn an_acknowledged_login_survives_kill_9() {
    let mut app = spawn_app(Engine::Sqlite).await;
    let (_, admin) = app.admin_token().await;
    let (_, username, password) = app.new_user().await;
    let login = app.login(&username, &password).await;
    assert_eq!(login.status(), 200);
    let acknowledged = request_id(&login);
    app.kill9();
    let restarted = app.spawn_sibling(&[("GENESIS__SERVER__PUBLIC_URL", &app.base)]);
    let record = newest(&restarted, &admin, "login.succeeded").await;
    assert_eq!(record["request_id"], acknowledged.as_str());
    assert!(verify(&restarted).status.success());
}

async fn concurrent_logins_leave_a_chain_that_verifies(app: TestApp) {
    let (_, username, password) = app.new_user().await;
    let logins: Vec<_> = (0..50)
        .map(|i| {
            let (client, url, username) = (app.client.clone(), app.url("/token"), username.clone());
            let password =
                if i % 3 == 0 { "a wrong password".to_owned() } else { password.clone() };
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
    for login in logins {
        let status = login.await.unwrap();
        assert!(status == 200 || status == 400, "{status}");
    }
    assert_chain_verifies(&app);
}

/// Standalone records are written in shared transactions under load (group commit); each
/// request must still find its own record, in one chain that verifies.
async fn concurrent_introspections_each_keep_their_own_record(app: TestApp) {
    let (_, admin) = app.admin_token().await;
    let (_, token) = app.user_token().await;
    let calls: Vec<_> = (0..60)
        .map(|_| {
            let (client, url, token) =
                (app.client.clone(), app.url("/oauth/introspect"), token.clone());
            tokio::spawn(async move {
                let answer = introspect_with(&client, url, &token).await;
                assert_eq!(answer.status(), 200);
                request_id(&answer)
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    for call in calls {
        acknowledged.push(call.await.unwrap());
    }
    let page =
        json_of(app.get_with_token("/audit?type=token.introspected&limit=100", &admin).await).await;
    let recorded: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["request_id"].as_str().unwrap())
        .collect();
    assert_eq!(recorded.len(), acknowledged.len(), "{:?}: one record per call", app.db);
    for request in &acknowledged {
        assert!(recorded.contains(&request.as_str()), "{:?}: no record of {request}", app.db);
    }
    assert_chain_verifies(&app);
}

#[tokio::test]
async fn an_action_whose_record_cannot_be_kept_fails_with_nothing_committed() {
    for (engine, block, unblock) in [
        (
            Engine::Sqlite,
            "CREATE TRIGGER audit_read_only BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit is read-only'); END",
            "DROP TRIGGER audit_read_only",
        ),
        (
            Engine::MariaDb,
            "CREATE TRIGGER audit_read_only BEFORE INSERT ON audit_events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit is read-only'",
            "DROP TRIGGER audit_read_only",
        ),
    ] {
        let app = spawn_app(engine).await;
        let (_, token) = app.user_token().await;
        app.sql(block).await;
        let name = unique("blocked");
        let body = json!({"username": name, "email": format!("{name}@example.com"), "password": strong_password()});
        let refused = app.post_json("/users", &body).await;
        assert_eq!(refused.status(), 503, "{engine:?}");
        assert!(refused.headers().get("retry-after").is_some());
        let profile = app.send_json(Method::POST, "/profile", &token, &json!({"given_name": "No", "family_name": "Trace"})).await;
        assert_eq!(profile.status(), 503, "{engine:?}");
        // A standalone record (written in a shared batch) fails its request just the same.
        let introspected = app.introspect(&token).await;
        assert_eq!(introspected.status(), 503, "{engine:?}");
        app.sql(unblock).await;
        // Nothing was half-done: the user and the profile can be created now.
        assert_eq!(app.post_json("/users", &body).await.status(), 201, "{engine:?}");
        assert_eq!(app.get_with_token("/profile/me", &token).await.status(), 404, "{engine:?}");
        assert!(verify(&app).status.success(), "{engine:?}");
    }
}
