//! Profiles: one per user, with OpenID Connect standard claim names.

use time::{Date, OffsetDateTime};

use crate::UserId;

/// Longest name-like field (`given_name`, `family_name`, `nick_name`), in characters.
const MAX_NAME_CHARS: usize = 128;
/// Longest `picture` URL, in characters.
const MAX_URL_CHARS: usize = 2048;
/// Longest free-text `address`, in characters.
const MAX_ADDRESS_CHARS: usize = 512;

/// A profile field, for error reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileField {
    GivenName,
    FamilyName,
    NickName,
    Picture,
    Locale,
    Zoneinfo,
    Birthdate,
    PhoneNumber,
    Address,
}

impl ProfileField {
    /// The OpenID Connect claim name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::GivenName => "given_name",
            Self::FamilyName => "family_name",
            Self::NickName => "nick_name",
            Self::Picture => "picture",
            Self::Locale => "locale",
            Self::Zoneinfo => "zoneinfo",
            Self::Birthdate => "birthdate",
            Self::PhoneNumber => "phone_number",
            Self::Address => "address",
        }
    }
}

/// Field-level validation failures, each with a message a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the profile has invalid fields")]
pub struct ProfileError(pub Vec<(ProfileField, &'static str)>);

/// The validated fields of a profile (what `POST` creates and `PUT` replaces).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewProfile {
    pub given_name: String,
    pub family_name: String,
    pub nick_name: Option<String>,
    pub picture: Option<String>,
    pub locale: Option<String>,
    pub zoneinfo: Option<String>,
    pub birthdate: Option<String>,
    pub phone_number: Option<String>,
    pub address: Option<String>,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears an optional field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfilePatch {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nick_name: Option<Option<String>>,
    pub picture: Option<Option<String>>,
    pub locale: Option<Option<String>>,
    pub zoneinfo: Option<Option<String>>,
    pub birthdate: Option<Option<String>>,
    pub phone_number: Option<Option<String>>,
    pub address: Option<Option<String>>,
}

/// A stored profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub user_id: UserId,
    pub fields: NewProfile,
    pub updated_at: OffsetDateTime,
}

impl NewProfile {
    /// Checks every field and reports all the failures at once.
    pub fn validate(self) -> Result<Self, ProfileError> {
        let mut errors = Vec::new();
        check_name(ProfileField::GivenName, Some(&self.given_name), &mut errors);
        check_name(ProfileField::FamilyName, Some(&self.family_name), &mut errors);
        check_name(ProfileField::NickName, self.nick_name.as_deref(), &mut errors);
        check(ProfileField::Picture, self.picture.as_deref(), is_picture_url, &mut errors);
        check(ProfileField::Locale, self.locale.as_deref(), is_locale, &mut errors);
        check(ProfileField::Zoneinfo, self.zoneinfo.as_deref(), is_zoneinfo, &mut errors);
        check(ProfileField::Birthdate, self.birthdate.as_deref(), is_birthdate, &mut errors);
        check(ProfileField::PhoneNumber, self.phone_number.as_deref(), is_phone, &mut errors);
        check(ProfileField::Address, self.address.as_deref(), is_address, &mut errors);
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(ProfileError(errors))
        }
    }

    /// The fields after a partial update, validated.
    pub fn patched(&self, patch: ProfilePatch) -> Result<Self, ProfileError> {
        let mut next = self.clone();
        let ProfilePatch {
            given_name,
            family_name,
            nick_name,
            picture,
            locale,
            zoneinfo,
            birthdate,
            phone_number,
            address,
        } = patch;
        if let Some(v) = given_name {
            next.given_name = v;
        }
        if let Some(v) = family_name {
            next.family_name = v;
        }
        let optional = [
            (&mut next.nick_name, nick_name),
            (&mut next.picture, picture),
            (&mut next.locale, locale),
            (&mut next.zoneinfo, zoneinfo),
            (&mut next.birthdate, birthdate),
            (&mut next.phone_number, phone_number),
            (&mut next.address, address),
        ];
        for (slot, change) in optional {
            if let Some(value) = change {
                *slot = value;
            }
        }
        next.validate()
    }
}

fn check(
    field: ProfileField,
    value: Option<&str>,
    valid: fn(&str) -> bool,
    errors: &mut Vec<(ProfileField, &'static str)>,
) {
    if let Some(value) = value {
        if !valid(value) {
            errors.push((field, message_for(field)));
        }
    }
}

fn check_name(
    field: ProfileField,
    value: Option<&str>,
    errors: &mut Vec<(ProfileField, &'static str)>,
) {
    check(field, value, is_name, errors);
}

fn message_for(field: ProfileField) -> &'static str {
    match field {
        ProfileField::GivenName | ProfileField::FamilyName | ProfileField::NickName => {
            "must be 1 to 128 characters without control characters"
        }
        ProfileField::Picture => "must be an http(s) URL of at most 2048 characters",
        ProfileField::Locale => "must be a BCP 47 language tag such as en-US",
        ProfileField::Zoneinfo => "must be an IANA time zone name such as Europe/Paris",
        ProfileField::Birthdate => "must be a date as YYYY-MM-DD (0000 when the year is withheld)",
        ProfileField::PhoneNumber => "must be an E.164 number such as +14155550100",
        ProfileField::Address => "must be at most 512 characters of text",
    }
}

fn is_text(value: &str, max: usize, allow_newlines: bool) -> bool {
    let chars = value.chars().count();
    chars >= 1
        && chars <= max
        && !value.trim().is_empty()
        && value.chars().all(|c| !c.is_control() || (allow_newlines && c == '\n'))
}

fn is_name(value: &str) -> bool {
    is_text(value, MAX_NAME_CHARS, false)
}

fn is_address(value: &str) -> bool {
    is_text(value, MAX_ADDRESS_CHARS, true)
}

fn is_picture_url(value: &str) -> bool {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    is_text(value, MAX_URL_CHARS, false)
        && rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !value.chars().any(char::is_whitespace)
}

fn is_locale(value: &str) -> bool {
    let mut parts = value.split(['-', '_']);
    let language_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    language_ok
        && value.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_zoneinfo(value: &str) -> bool {
    value.len() <= 64
        && !value.starts_with('/')
        && !value.ends_with('/')
        && !value.contains("//")
        && !value.contains("..")
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
        && value.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
}

fn is_birthdate(value: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if let Some(month_day) = value.strip_prefix("0000-") {
        // OIDC: a withheld year is written 0000; check the month and day in a leap year.
        return value.len() == 10 && Date::parse(&format!("2000-{month_day}"), &format).is_ok();
    }
    value.len() == 10 && Date::parse(value, &format).is_ok()
}

fn is_phone(value: &str) -> bool {
    let digits = value.strip_prefix('+').unwrap_or(value);
    (value.starts_with('+') || !digits.is_empty())
        && (4..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> NewProfile {
        NewProfile {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_profile_with_only_names_is_valid() {
        assert!(minimal().validate().is_ok());
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let profile = NewProfile {
            given_name: String::new(),
            picture: Some("javascript:alert(1)".into()),
            birthdate: Some("1990-02-30".into()),
            phone_number: Some("call me".into()),
            ..minimal()
        };
        let fields: Vec<_> =
            profile.validate().unwrap_err().0.into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                ProfileField::GivenName,
                ProfileField::Picture,
                ProfileField::Birthdate,
                ProfileField::PhoneNumber
            ]
        );
    }

    #[test]
    fn oidc_formats_are_accepted() {
        let profile = NewProfile {
            picture: Some("https://cdn.example.com/a.png".into()),
            locale: Some("en-US".into()),
            zoneinfo: Some("America/Argentina/Buenos_Aires".into()),
            birthdate: Some("0000-02-29".into()),
            phone_number: Some("+14155550100".into()),
            address: Some("1 Main St\nSpringfield".into()),
            ..minimal()
        };
        assert!(profile.validate().is_ok());
    }

    #[test]
    fn a_patch_can_clear_an_optional_field_but_not_a_name() {
        let base = NewProfile { nick_name: Some("ada".into()), ..minimal() };
        let cleared = base.patched(ProfilePatch { nick_name: Some(None), ..Default::default() });
        assert_eq!(cleared.unwrap().nick_name, None);
        let emptied =
            base.patched(ProfilePatch { given_name: Some(String::new()), ..Default::default() });
        assert!(emptied.is_err());
    }
}
