//! Client credentials on the OAuth endpoints: HTTP Basic (RFC 6749 §2.3.1, each part
//! form-urlencoded) or `client_id`/`client_secret` in the form — never both.

use actix_web::http::header::AUTHORIZATION;
use actix_web::HttpRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use genesis_domain::{Client, SecretToken};

use crate::error::{ApiError, OAuthCode};
use crate::HttpState;

/// Who the client says it is.
pub(crate) struct ClientCredentialsInput {
    pub id: Option<String>,
    pub secret: Option<SecretToken>,
}

/// The client's claimed identity from the request: Basic header or form fields.
pub(crate) fn client_credentials(
    req: &HttpRequest,
    form_id: Option<&str>,
    form_secret: Option<&str>,
) -> Result<ClientCredentialsInput, ApiError> {
    let basic = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, encoded)| encoded.trim().to_owned());
    let invalid_client =
        || ApiError::oauth(OAuthCode::InvalidClient, "Client authentication failed.");
    match basic {
        Some(encoded) => {
            if form_secret.is_some() {
                return Err(ApiError::oauth(
                    OAuthCode::InvalidRequest,
                    "Use one client authentication method.",
                ));
            }
            let decoded = STANDARD.decode(encoded).map_err(|_| invalid_client())?;
            let text = String::from_utf8(decoded).map_err(|_| invalid_client())?;
            let (id, secret) = text.split_once(':').ok_or_else(invalid_client)?;
            let id = form_decode(id).ok_or_else(invalid_client)?;
            let secret = form_decode(secret).ok_or_else(invalid_client)?;
            if form_id.is_some_and(|form_id| form_id != id) {
                return Err(ApiError::oauth(
                    OAuthCode::InvalidRequest,
                    "client_id does not match the credentials.",
                ));
            }
            let secret = SecretToken::presented(&secret).ok_or_else(invalid_client)?;
            Ok(ClientCredentialsInput { id: Some(id), secret: Some(secret) })
        }
        None => {
            let secret = match form_secret {
                Some(raw) => Some(SecretToken::presented(raw).ok_or_else(invalid_client)?),
                None => None,
            };
            Ok(ClientCredentialsInput { id: form_id.map(str::to_owned), secret })
        }
    }
}

/// `application/x-www-form-urlencoded` decoding of one Basic credential part.
fn form_decode(part: &str) -> Option<String> {
    let plus_as_space = part.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space).decode_utf8().ok().map(|s| s.into_owned())
}

/// The client of a request: a confidential client authenticated by its secret, a public client
/// by its id (the built-in browser client when none is given). `401 invalid_client` otherwise.
pub(crate) async fn resolved_client(
    state: &HttpState,
    credentials: &ClientCredentialsInput,
) -> Result<Client, ApiError> {
    state
        .clients
        .resolve(credentials.id.as_deref(), credentials.secret.as_ref())
        .await
        .map_err(|e| ApiError::grant(e.into()))
}

/// A confidential client, authenticated by id and secret. `401 invalid_client` otherwise.
pub(crate) async fn authenticated_client(
    state: &HttpState,
    credentials: ClientCredentialsInput,
) -> Result<Client, ApiError> {
    let (Some(id), Some(secret)) = (credentials.id, credentials.secret) else {
        return Err(ApiError::oauth(OAuthCode::InvalidClient, "Client authentication failed."));
    };
    state.clients.authenticate(&id, &secret).await.map_err(|e| ApiError::grant(e.into()))
}

#[cfg(test)]
mod tests {
    use super::form_decode;

    #[test]
    fn basic_credential_parts_are_form_decoded() {
        assert_eq!(form_decode("my%3Aclient").as_deref(), Some("my:client"));
        assert_eq!(form_decode("a+b").as_deref(), Some("a b"));
        assert_eq!(form_decode("%FF"), None);
    }
}
