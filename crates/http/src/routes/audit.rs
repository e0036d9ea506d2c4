//! `GET /audit`: the trail, for administrators.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use genesis_app::{AuditFilter, AuditReadError};
use serde::Deserialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::audit_json::audit_record_value;
use crate::authz::Admin;
use crate::error::ApiError;
use crate::openapi::{AuditPageBody, Problem};
use crate::HttpState;

/// `GET /audit` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQueryParams {
    /// Only this event type, e.g. `login.failed`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: Option<String>,
    subject: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<u64>,
    cursor: Option<String>,
}

fn instant(raw: Option<String>, name: &'static str) -> Result<Option<OffsetDateTime>, ApiError> {
    match raw {
        None => Ok(None),
        Some(text) => OffsetDateTime::parse(&text, &Rfc3339)
            .map(Some)
            .map_err(|_| ApiError::problem(StatusCode::UNPROCESSABLE_ENTITY, name)),
    }
}

/// `GET /audit?type=&subject=&since=&until=&limit=&cursor=`: newest first; `limit` is clamped
/// to 1–500; `since`/`until` are RFC 3339 instants.
#[utoipa::path(get, path = "/audit", tag = "administration", security(("bearer" = [])), params(AuditQueryParams), responses((status = 200, body = AuditPageBody), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list(
    state: web::Data<HttpState>,
    _admin: Admin,
    query: web::Query<AuditQueryParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = AuditFilter {
        kind: q.kind,
        subject: q.subject,
        since: instant(
            q.since,
            "since must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z.",
        )?,
        until: instant(
            q.until,
            "until must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z.",
        )?,
        limit: q.limit,
        cursor: q.cursor,
    };
    let page = state.audit_trail.read(filter).await.map_err(|err| match err {
        AuditReadError::Invalid(why) => ApiError::problem(StatusCode::UNPROCESSABLE_ENTITY, why),
        AuditReadError::Infrastructure(e) => ApiError::infrastructure(e, false),
    })?;
    let items: Vec<_> = page.items.iter().map(audit_record_value).collect();
    Ok(HttpResponse::Ok().json(json!({"items": items, "next_cursor": page.next_cursor})))
}
