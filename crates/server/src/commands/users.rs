//! `genesis users create`.

use std::io::Read;

use genesis_app::RegisterError;
use genesis_domain::Role;
use secrecy::SecretString;

use super::cli_context::cli_context;
use crate::exit::Failure;
use crate::{output, wiring, Settings};

/// Creates a user whose password is read from standard input, and prints the new id.
pub(crate) async fn create(
    settings: Settings,
    username: String,
    email: String,
    role: Role,
) -> Result<(), Failure> {
    let password = read_password()?;
    let store = wiring::open_store(&settings, true).await?;
    let ports = wiring::ports(&settings, &store)?;
    let register = wiring::register(&settings, &ports);
    let input = genesis_app::Registration { username, email, password, role };
    let result = register.execute(input, &cli_context()).await;
    store.close().await;
    match result {
        Ok(user) => {
            output::line(&user.id.to_string());
            Ok(())
        }
        Err(RegisterError::Invalid(errors)) => {
            let reasons: Vec<String> =
                errors.0.iter().map(|e| format!("{} {}", e.field, e.message)).collect();
            Err(Failure::Config(format!("invalid user: {}", reasons.join("; "))))
        }
        Err(RegisterError::Duplicate) => {
            Err(Failure::Runtime("the username or e-mail address is not available".into()))
        }
        Err(RegisterError::Busy) => {
            Err(Failure::Runtime("password hashing is saturated; retry".into()))
        }
        Err(RegisterError::Infrastructure(e)) => Err(Failure::runtime("creating the user", e)),
    }
}

/// Standard input, less one trailing newline (`\n` or `\r\n`) and nothing else.
fn read_password() -> Result<SecretString, Failure> {
    let mut raw = String::new();
    std::io::stdin()
        .take(8 * 1024)
        .read_to_string(&mut raw)
        .map_err(|_| Failure::Config("the password on standard input must be UTF-8 text".into()))?;
    Ok(SecretString::from(strip_one_newline(raw)))
}

fn strip_one_newline(mut raw: String) -> String {
    if raw.ends_with("\r\n") {
        raw.truncate(raw.len() - 2);
    } else if raw.ends_with('\n') {
        raw.truncate(raw.len() - 1);
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::strip_one_newline;

    #[test]
    fn exactly_one_trailing_newline_is_stripped() {
        assert_eq!(strip_one_newline("pw\n".into()), "pw");
        assert_eq!(strip_one_newline("pw\r\n".into()), "pw");
        assert_eq!(strip_one_newline("pw\n\n".into()), "pw\n");
        assert_eq!(strip_one_newline(" pw ".into()), " pw ");
    }
}
