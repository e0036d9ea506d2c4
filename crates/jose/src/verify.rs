//! The header checks that come before any signature work.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use genesis_ports::VerifyError;
use serde_json::{Map, Value};

/// Longest token accepted; anything larger is refused before it is decoded.
pub(crate) const MAX_TOKEN_BYTES: usize = 4096;

/// Header parameters that would let a token choose or carry its own key, or demand
/// processing we do not do. Their presence alone refuses the token.
const FORBIDDEN_HEADER_PARAMETERS: [&str; 6] = ["jwk", "jku", "x5u", "x5c", "crit", "b64"];

/// The `kid` of a token whose header is acceptable for `algorithm`.
pub(crate) fn acceptable_kid(token: &str, algorithm: &str) -> Result<String, VerifyError> {
    if token.len() > MAX_TOKEN_BYTES || !token.is_ascii() {
        return Err(VerifyError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| VerifyError::Malformed)?;
    let header: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| VerifyError::Malformed)?;

    if header.get("alg").and_then(Value::as_str) != Some(algorithm) {
        return Err(VerifyError::Header);
    }
    let typ = header.get("typ").and_then(Value::as_str).map(str::to_ascii_lowercase);
    if !matches!(typ.as_deref(), Some("at+jwt") | Some("application/at+jwt")) {
        return Err(VerifyError::Header);
    }
    if FORBIDDEN_HEADER_PARAMETERS.iter().any(|p| header.contains_key(*p)) {
        return Err(VerifyError::Header);
    }
    header.get("kid").and_then(Value::as_str).map(str::to_owned).ok_or(VerifyError::Header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str) -> String {
        format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(header))
    }

    #[test]
    fn a_well_formed_header_yields_its_kid() {
        assert_eq!(
            acceptable_kid(&token(r#"{"alg":"EdDSA","typ":"at+jwt","kid":"k1"}"#), "EdDSA")
                .unwrap(),
            "k1"
        );
    }

    #[test]
    fn another_algorithm_is_refused_even_if_we_support_it_elsewhere() {
        for alg in ["none", "HS256", "RS256", "ES256", "eddsa"] {
            let header = format!(r#"{{"alg":"{alg}","typ":"at+jwt","kid":"k1"}}"#);
            assert_eq!(acceptable_kid(&token(&header), "EdDSA"), Err(VerifyError::Header), "{alg}");
        }
    }

    #[test]
    fn a_plain_jwt_type_is_refused() {
        assert_eq!(
            acceptable_kid(&token(r#"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#), "EdDSA"),
            Err(VerifyError::Header)
        );
        assert_eq!(
            acceptable_kid(&token(r#"{"alg":"EdDSA","kid":"k1"}"#), "EdDSA"),
            Err(VerifyError::Header)
        );
    }

    #[test]
    fn headers_that_bring_their_own_key_are_refused() {
        for extra in
            [r#""jwk":{}"#, r#""jku":"https://evil.example""#, r#""x5u":"u""#, r#""crit":["exp"]"#]
        {
            let header = format!(r#"{{"alg":"EdDSA","typ":"at+jwt","kid":"k1",{extra}}}"#);
            assert_eq!(
                acceptable_kid(&token(&header), "EdDSA"),
                Err(VerifyError::Header),
                "{extra}"
            );
        }
    }

    #[test]
    fn oversized_and_malformed_tokens_are_refused_before_decoding() {
        assert_eq!(acceptable_kid(&"a".repeat(5000), "EdDSA"), Err(VerifyError::Malformed));
        assert_eq!(acceptable_kid("a.b", "EdDSA"), Err(VerifyError::Malformed));
        assert_eq!(acceptable_kid("a.b.c.d", "EdDSA"), Err(VerifyError::Malformed));
        assert_eq!(acceptable_kid("!!.b.c", "EdDSA"), Err(VerifyError::Malformed));
    }
}
