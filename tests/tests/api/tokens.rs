//! Access tokens: verifiable by any JOSE library from the JWKS, and refused when forged.
//!
//! The attacks do not depend on the database, so they run on SQLite only; the issuing path is
//! covered on every engine by `identity`.

use crate::api::support::{jwt, spawn_app, spawn_app_with, Engine, TestApp};
use josekit::jwk::Jwk;
use josekit::jws::{EdDSA, HS256};
use serde_json::{json, Value};

async fn token_and_jwk(app: &TestApp) -> (String, Value) {
    let (_, token) = app.user_token().await;
    let (header, _) = jwt::parts(&token);
    let jwks = app.jwks().await;
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap()
        .clone();
    (token, key)
}

async fn assert_refused(app: &TestApp, token: &str, what: &str) {
    let response = app.get_with_token("/users/me", token).await;
    assert_eq!(response.status(), 401, "{what} was accepted");
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.contains(r#"error="invalid_token""#), "{what}: {challenge}");
    let body = response.text().await.unwrap();
    assert!(!body.contains(token), "{what}: the token was echoed");
}

#[tokio::test]
async fn a_relying_party_verifies_tokens_from_the_jwks_alone() {
    let app = spawn_app(Engine::Sqlite).await;
    let (token, key) = token_and_jwk(&app).await;
    assert!(key.get("d").is_none(), "the JWKS publishes public halves only");
    let map = key.as_object().unwrap().clone();
    let verifier = EdDSA.verifier_from_jwk(&Jwk::from_map(map).unwrap()).unwrap();
    let (payload, header) = josekit::jwt::decode_with_verifier(&token, &verifier).unwrap();
    assert_eq!(header.token_type(), Some("at+jwt"));
    assert_eq!(payload.issuer(), Some(app.base.as_str()));
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let app = spawn_app(Engine::Sqlite).await;
    let (token, key) = token_and_jwk(&app).await;
    let (header, claims) = jwt::parts(&token);
    let kid = header["kid"].as_str().unwrap();

    // alg none, with and without a signature part.
    let unsigned =
        jwt::assemble(&json!({"alg": "none", "typ": "at+jwt", "kid": kid}), &claims, |_| vec![]);
    assert_refused(&app, &unsigned, "alg none").await;
    assert_refused(&app, unsigned.trim_end_matches('.'), "alg none without signature").await;

    // HMAC keyed with the public key (algorithm confusion).
    let public_x = key["x"].as_str().unwrap();
    for secret in [public_x.as_bytes().to_vec(), key.to_string().into_bytes()] {
        let signer = HS256.signer_from_bytes(&secret).unwrap();
        let hmac = jwt::assemble(
            &json!({"alg": "HS256", "typ": "at+jwt", "kid": kid}),
            &claims,
            |input| josekit::jws::JwsSigner::sign(&signer, input).unwrap(),
        );
        assert_refused(&app, &hmac, "HS256 with the public key").await;
    }

    // A foreign Ed25519 key under our kid, and the same key embedded in the header.
    let attacker = EdDSA.generate_key_pair(josekit::jwk::alg::ed::EdCurve::Ed25519).unwrap();
    let attacker_signer = EdDSA.signer_from_jwk(&attacker.to_jwk_private_key()).unwrap();
    let sign = |header: Value, claims: &Value| {
        jwt::assemble(&header, claims, |input| {
            josekit::jws::JwsSigner::sign(&attacker_signer, input).unwrap()
        })
    };
    let public_jwk: Value =
        serde_json::from_str(&attacker.to_jwk_public_key().to_string()).unwrap();
    assert_refused(
        &app,
        &sign(json!({"alg": "EdDSA", "typ": "at+jwt", "kid": kid}), &claims),
        "foreign key",
    )
    .await;
    assert_refused(
        &app,
        &sign(json!({"alg": "EdDSA", "typ": "at+jwt", "kid": kid, "jwk": public_jwk}), &claims),
        "embedded jwk",
    )
    .await;
    assert_refused(&app, &sign(json!({"alg": "EdDSA", "typ": "at+jwt", "jku": format!("{}/.well-known/jwks.json", app.base)}), &claims), "jku").await;
    assert_refused(
        &app,
        &sign(json!({"alg": "EdDSA", "typ": "at+jwt", "kid": "unknown-kid"}), &claims),
        "unknown kid",
    )
    .await;

    // Our own token, altered.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut elevated = claims.clone();
    elevated["role"] = json!("admin");
    parts[1] = jwt::b64(elevated.to_string().as_bytes());
    assert_refused(&app, &parts.join("."), "tampered payload").await;
    let mut crit_header = header.clone();
    crit_header["crit"] = json!(["exp"]);
    let mut with_crit: Vec<String> = token.split('.').map(str::to_owned).collect();
    with_crit[0] = jwt::b64(crit_header.to_string().as_bytes());
    assert_refused(&app, &with_crit.join("."), "crit header").await;
    let mut jwt_typ = header.clone();
    jwt_typ["typ"] = json!("JWT");
    let mut plain: Vec<String> = token.split('.').map(str::to_owned).collect();
    plain[0] = jwt::b64(jwt_typ.to_string().as_bytes());
    assert_refused(&app, &plain.join("."), "typ JWT").await;
    assert_refused(&app, &format!("{token}{}", "A".repeat(5000)), "oversized token").await;
    assert_refused(&app, "not-a-jwt", "garbage").await;

    // Tokens are read from the Authorization header only.
    let in_query = app.get(&format!("/users/me?access_token={token}")).await;
    assert_eq!(in_query.status(), 401);
    // And the real token still works.
    assert_eq!(app.get_with_token("/users/me", &token).await.status(), 200);
}

#[tokio::test]
async fn a_token_for_another_issuer_or_audience_is_refused() {
    let app = spawn_app(Engine::Sqlite).await;
    let (_, token) = app.user_token().await;
    // Siblings share the database and the keys but expect another issuer or audience.
    let other_issuer =
        app.spawn_sibling(&[("GENESIS__SERVER__PUBLIC_URL", "http://issuer.invalid")]);
    assert_refused(&other_issuer, &token, "wrong iss").await;
    let other_audience = app.spawn_sibling(&[("GENESIS__TOKENS__AUDIENCE", "another-api")]);
    assert_refused(&other_audience, &token, "wrong aud").await;
}

#[tokio::test]
async fn an_expired_token_is_refused_after_the_leeway() {
    let app = spawn_app_with(Engine::Sqlite, &[("GENESIS__TOKENS__ACCESS_TTL_SECONDS", "1")]).await;
    let (_, token) = app.user_token().await;
    assert_eq!(
        app.get_with_token("/users/me", &token).await.status(),
        200,
        "valid within the leeway"
    );
    tokio::time::sleep(std::time::Duration::from_secs(32)).await;
    assert_refused(&app, &token, "expired token").await;
}

#[tokio::test]
async fn rs256_tokens_verify_from_the_jwks() {
    let app = spawn_app_with(Engine::Sqlite, &[("GENESIS__TOKENS__ALGORITHM", "RS256")]).await;
    let (token, key) = token_and_jwk(&app).await;
    assert_eq!(key["kty"], "RSA");
    let verifier = josekit::jws::RS256
        .verifier_from_jwk(&Jwk::from_map(key.as_object().unwrap().clone()).unwrap())
        .unwrap();
    assert!(josekit::jwt::decode_with_verifier(&token, &verifier).is_ok());
    assert_eq!(app.get_with_token("/users/me", &token).await.status(), 200);
}
