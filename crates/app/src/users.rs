//! Read the calling user.

use genesis_domain::User;

use crate::{Infrastructure, Ports, Principal};

/// Why the current user could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CurrentUserError {
    /// The token's subject no longer exists or is disabled: the token is worthless (401).
    #[error("the token's user is gone or disabled")]
    Gone,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The current-user use case.
pub struct CurrentUser {
    ports: Ports,
}

impl CurrentUser {
    /// Builds the use case.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// The caller's own record. A deleted or disabled user's token reads nothing.
    pub async fn execute(&self, principal: &Principal) -> Result<User, CurrentUserError> {
        match self.ports.users.find_by_id(principal.user_id).await.map_err(Infrastructure::from)? {
            Some(user) if !user.disabled => Ok(user),
            _ => Err(CurrentUserError::Gone),
        }
    }
}
