//! The audit context of an operator's command.

use genesis_domain::RequestContext;

/// Actions taken from the command line are recorded as such.
pub(crate) fn cli_context() -> RequestContext {
    RequestContext { request_id: "cli".into(), ip: None, user_agent: Some("genesis-cli".into()) }
}
