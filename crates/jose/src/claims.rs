//! Access-token claims to and from the JWT payload (RFC 9068).

use genesis_domain::{AccessClaims, Role, Scope, SessionId};
use genesis_ports::VerifyError;
use josekit::jwt::JwtPayload;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

pub(crate) fn to_payload(claims: &AccessClaims) -> Result<JwtPayload, josekit::JoseError> {
    let mut map = Map::new();
    map.insert("iss".into(), json!(claims.issuer));
    map.insert("aud".into(), json!(claims.audience));
    map.insert("sub".into(), json!(claims.subject));
    map.insert("client_id".into(), json!(claims.client_id));
    map.insert("iat".into(), json!(claims.issued_at.unix_timestamp()));
    map.insert("exp".into(), json!(claims.expires_at.unix_timestamp()));
    map.insert("jti".into(), json!(claims.token_id.hyphenated().to_string()));
    map.insert("scope".into(), json!(claims.scope.to_string()));
    if let Some(sid) = claims.session_id {
        map.insert("sid".into(), json!(sid.to_string()));
    }
    if let Some(role) = claims.role {
        map.insert("role".into(), json!(role.as_str()));
    }
    JwtPayload::from_map(map)
}

/// What the verifier expects of every token.
pub(crate) struct Expectations<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
}

/// Claims of a token whose signature, issuer, audience and shape were checked. Its times are
/// checked at each use (`valid_at`), so a cached `Checked` never outlives its token.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    claims: AccessClaims,
    not_before: Option<i64>,
}

impl Checked {
    /// The claims, when the token is within its lifetime at `now` (with `leeway_seconds`).
    pub(crate) fn valid_at(
        &self,
        now: OffsetDateTime,
        leeway_seconds: i64,
    ) -> Result<AccessClaims, VerifyError> {
        let now = now.unix_timestamp();
        let expired = self.claims.expires_at.unix_timestamp().saturating_add(leeway_seconds) <= now;
        let issued_later =
            self.claims.issued_at.unix_timestamp().saturating_sub(leeway_seconds) > now;
        let not_yet = self.not_before.is_some_and(|nbf| nbf.saturating_sub(leeway_seconds) > now);
        if expired || issued_later || not_yet {
            return Err(VerifyError::Time);
        }
        Ok(self.claims.clone())
    }
}

pub(crate) fn from_payload(
    payload: &JwtPayload,
    expect: &Expectations<'_>,
) -> Result<Checked, VerifyError> {
    let set = payload.claims_set();
    let text = |key: &str| set.get(key).and_then(Value::as_str);
    let number = |key: &str| set.get(key).and_then(Value::as_i64);

    if text("iss") != Some(expect.issuer) {
        return Err(VerifyError::Claims);
    }
    let audience_ok = match set.get("aud") {
        Some(Value::String(aud)) => aud == expect.audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(expect.audience)),
        _ => false,
    };
    if !audience_ok {
        return Err(VerifyError::Claims);
    }

    let (Some(exp), Some(iat)) = (number("exp"), number("iat")) else {
        return Err(VerifyError::Claims);
    };
    let not_before = match set.get("nbf") {
        None => None,
        Some(nbf) => Some(nbf.as_i64().ok_or(VerifyError::Time)?),
    };

    let subject = text("sub").ok_or(VerifyError::Claims)?.to_owned();
    let client_id = text("client_id").ok_or(VerifyError::Claims)?.to_owned();
    let token_id =
        text("jti").and_then(|j| uuid::Uuid::try_parse(j).ok()).ok_or(VerifyError::Claims)?;
    let scope = match set.get("scope") {
        None => Scope::default(),
        Some(value) => value.as_str().and_then(Scope::parse).ok_or(VerifyError::Claims)?,
    };
    let session_id = match set.get("sid") {
        None => None,
        Some(value) => Some(value.as_str().and_then(SessionId::parse).ok_or(VerifyError::Claims)?),
    };
    let role = match set.get("role") {
        None => None,
        Some(value) => {
            Some(value.as_str().and_then(|r| Role::parse(r).ok()).ok_or(VerifyError::Claims)?)
        }
    };
    let claims = AccessClaims {
        issuer: expect.issuer.to_owned(),
        audience: expect.audience.to_owned(),
        subject,
        client_id,
        issued_at: OffsetDateTime::from_unix_timestamp(iat).map_err(|_| VerifyError::Claims)?,
        expires_at: OffsetDateTime::from_unix_timestamp(exp).map_err(|_| VerifyError::Claims)?,
        token_id,
        scope,
        session_id,
        role,
    };
    Ok(Checked { claims, not_before })
}
