//! Request and response bodies.

use genesis_app::{FieldError, FieldErrors};
use genesis_domain::{NewProfile, Profile, ProfilePatch, Session, SessionId, User};
use serde::{Deserialize, Deserializer, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// `User` (CONTRACT §3). Never a hash or a secret.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UserBody {
    id: String,
    username: String,
    email: String,
    role: &'static str,
    disabled: bool,
    created_at: String,
    updated_at: String,
    last_login_at: Option<String>,
}

impl From<&User> for UserBody {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            username: user.username.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            role: user.role.as_str(),
            disabled: user.disabled,
            created_at: rfc3339(user.created_at),
            updated_at: rfc3339(user.updated_at),
            last_login_at: user.last_login_at.map(rfc3339),
        }
    }
}

/// `POST /users`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegisterBody {
    pub username: String,
    pub email: String,
    pub password: String,
}

/// `Profile` (CONTRACT §3), OpenID Connect claim names.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ProfileBody {
    user_id: String,
    given_name: String,
    family_name: String,
    nick_name: Option<String>,
    picture: Option<String>,
    locale: Option<String>,
    zoneinfo: Option<String>,
    birthdate: Option<String>,
    phone_number: Option<String>,
    address: Option<String>,
    updated_at: String,
}

impl From<Profile> for ProfileBody {
    fn from(profile: Profile) -> Self {
        let f = profile.fields;
        Self {
            user_id: profile.user_id.to_string(),
            given_name: f.given_name,
            family_name: f.family_name,
            nick_name: f.nick_name,
            picture: f.picture,
            locale: f.locale,
            zoneinfo: f.zoneinfo,
            birthdate: f.birthdate,
            phone_number: f.phone_number,
            address: f.address,
            updated_at: rfc3339(profile.updated_at),
        }
    }
}

/// `POST /profile` and `PUT /profile/me`: server-owned fields (`user_id`, `sub`, `email`,
/// `updated_at`) are unknown fields and refused.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileWriteBody {
    given_name: String,
    family_name: String,
    nick_name: Option<String>,
    picture: Option<String>,
    locale: Option<String>,
    zoneinfo: Option<String>,
    birthdate: Option<String>,
    phone_number: Option<String>,
    address: Option<String>,
}

impl ProfileWriteBody {
    pub(crate) fn into_domain(self) -> NewProfile {
        NewProfile {
            given_name: self.given_name,
            family_name: self.family_name,
            nick_name: self.nick_name,
            picture: self.picture,
            locale: self.locale,
            zoneinfo: self.zoneinfo,
            birthdate: self.birthdate,
            phone_number: self.phone_number,
            address: self.address,
        }
    }
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `PATCH /profile/me`: absent fields stay, `null` clears an optional field.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfilePatchBody {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    family_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    nick_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    picture: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    locale: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    zoneinfo: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    birthdate: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    phone_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    address: Option<Option<String>>,
}

impl ProfilePatchBody {
    /// The patch; `null` for a name (which every profile must have) is a field error.
    pub(crate) fn into_domain(self) -> Result<ProfilePatch, FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, value) in [("given_name", &self.given_name), ("family_name", &self.family_name)]
        {
            if matches!(value, Some(None)) {
                errors.0.push(FieldError { field, message: "must not be null".into() });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ProfilePatch {
            given_name: self.given_name.flatten(),
            family_name: self.family_name.flatten(),
            nick_name: self.nick_name,
            picture: self.picture,
            locale: self.locale,
            zoneinfo: self.zoneinfo,
            birthdate: self.birthdate,
            phone_number: self.phone_number,
            address: self.address,
        })
    }
}

/// The token endpoint's form. Unknown parameters are ignored (RFC 6749 §3.2); repeated ones
/// are refused by the form parser.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct TokenForm {
    pub grant_type: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub refresh_token: Option<String>,
}

/// The revocation (RFC 7009) and introspection (RFC 7662) forms.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct TokenLookupForm {
    pub token: Option<String>,
    pub token_type_hint: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// One of the caller's sessions.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SessionBody {
    id: String,
    client_id: String,
    created_at: String,
    last_used_at: String,
    expires_at: String,
    ip: Option<String>,
    user_agent: Option<String>,
    current: bool,
}

impl SessionBody {
    pub(crate) fn new(session: &Session, current: Option<SessionId>) -> Self {
        Self {
            id: session.id.to_string(),
            client_id: session.client_id.clone(),
            created_at: rfc3339(session.created_at),
            last_used_at: rfc3339(session.last_used_at),
            expires_at: rfc3339(session.expires_at),
            ip: session.ip.clone(),
            user_agent: session.user_agent.clone(),
            current: current == Some(session.id),
        }
    }
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TokenBody {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
    /// Native clients only; browser clients get it in the cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// `GET /users` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserListQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    pub q: Option<String>,
}

/// `PATCH /users/{id}`: only what an administrator may change.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdminPatchBody {
    pub role: Option<String>,
    pub disabled: Option<bool>,
}

/// `PATCH /users/me`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RenameBody {
    pub username: Option<String>,
    pub email: Option<String>,
    pub current_password: String,
}

/// `PUT /users/me/password`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordChangeBody {
    pub current_password: String,
    pub new_password: String,
}

/// `DELETE /users/me`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReauthenticationBody {
    pub current_password: String,
}
