//! Conversions between rows and domain values.

use genesis_domain::{Email, PasswordHash, Role, User, UserId, Username};
use genesis_ports::StoreError;
use time::OffsetDateTime;

use crate::entity::user;
use crate::error::corrupt;

pub(crate) fn seconds(at: OffsetDateTime) -> i64 {
    at.unix_timestamp()
}

pub(crate) fn instant(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| corrupt("timestamp"))
}

pub(crate) fn user_from_row(row: user::Model) -> Result<User, StoreError> {
    Ok(User {
        id: UserId::parse(&row.id).map_err(|_| corrupt("user id"))?,
        username: Username::parse(&row.username).map_err(|_| corrupt("username"))?,
        email: Email::parse(&row.email).map_err(|_| corrupt("email"))?,
        password_hash: PasswordHash::from_phc(row.password_hash),
        role: Role::parse(&row.role).map_err(|_| corrupt("role"))?,
        disabled: row.disabled,
        created_at: instant(row.created_at)?,
        updated_at: instant(row.updated_at)?,
        last_login_at: row.last_login_at.map(instant).transpose()?,
    })
}
