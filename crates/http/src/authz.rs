//! Authorisation extractors. A handler names its policy in its signature — `Me` for any live
//! user acting on their own data, `Admin` for administrators — and the bearer authentication
//! behind both is private to this module, so a protected handler without a policy cannot be
//! written by accident.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use genesis_app::{AccessError, Principal};
use genesis_domain::User;

use crate::context::request_context;
use crate::error::ApiError;
use crate::extract::authenticate;
use crate::HttpState;

/// A live user acting on their own data (the token's subject, nothing else).
pub(crate) struct Me(pub Principal);

/// An administrator, as the server's own records say (the token's `role` claim is ignored).
pub(crate) struct Admin {
    pub user: User,
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Me {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let authenticated = authenticate(req);
        Box::pin(async move { Ok(Me(authenticated.await?)) })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let authenticated = authenticate(req);
        let state = req.app_data::<web::Data<HttpState>>().cloned();
        let context = request_context(req);
        let action = format!("{} {}", req.method(), req.match_pattern().unwrap_or_default());
        Box::pin(async move {
            let principal = authenticated.await?;
            let state = state.ok_or(ApiError::Internal { oauth: false })?;
            match state.authorize.admin(&principal, &action, &context).await {
                Ok(user) => Ok(Admin { user }),
                Err(AccessError::Forbidden) => Err(ApiError::problem(
                    actix_web::http::StatusCode::FORBIDDEN,
                    "This action is reserved to administrators.",
                )),
                Err(AccessError::Gone) => Err(ApiError::Unauthorized { presented: true }),
                Err(AccessError::Infrastructure(e)) => Err(ApiError::infrastructure(e, false)),
            }
        })
    }
}
