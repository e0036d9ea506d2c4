//! The browser client's refresh cookie: `__Host-genesis_rt`, `Secure; HttpOnly;
//! SameSite=Strict; Path=/`, no `Domain` (the `__Host-` prefix requires all of that).

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::HttpRequest;

/// The cookie's name.
pub(crate) const REFRESH_COOKIE: &str = "__Host-genesis_rt";

/// A cookie carrying `token` for `max_age_seconds`.
pub(crate) fn refresh_cookie(token: &str, max_age_seconds: i64) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token.to_owned())
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(max_age_seconds.max(0)))
        .finish()
}

/// A cookie that makes the browser forget the refresh token.
pub(crate) fn cleared_refresh_cookie() -> Cookie<'static> {
    refresh_cookie("", 0)
}

/// The refresh token the browser sent, if any.
pub(crate) fn presented_refresh_cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()).filter(|v| !v.is_empty())
}
