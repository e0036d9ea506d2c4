//! What the handlers need: the use cases, built by the binary.

use std::sync::Arc;

use genesis_app::{Authenticate, CurrentUser, PasswordLogin, Profiles, Register};
use genesis_ports::{KeyMaterial, Readiness};

/// The use cases behind the routes.
pub struct HttpState {
    pub register: Register,
    pub login: PasswordLogin,
    pub authenticate: Authenticate,
    pub current_user: CurrentUser,
    pub profiles: Profiles,
    pub keys: Arc<dyn KeyMaterial>,
    pub readiness: Arc<dyn Readiness>,
}
