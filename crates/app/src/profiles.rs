//! The caller's own profile: create, read, replace, patch, delete.

use genesis_domain::{
    AuditEvent, AuditKind, NewProfile, Outcome, Party, Profile, ProfileError, ProfilePatch,
    RequestContext,
};
use genesis_ports::CreateProfileError;

use crate::{FieldError, FieldErrors, Infrastructure, Ports, Principal};

/// Raw profile fields from a create or replace request.
pub type ProfileInput = NewProfile;

/// Why a profile operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProfileOpError {
    #[error("invalid profile")]
    Invalid(FieldErrors),
    /// Create: the caller has a profile already.
    #[error("a profile exists already")]
    Duplicate,
    /// Read, replace, patch, delete: the caller has no profile.
    #[error("no profile")]
    NotFound,
    /// The caller's account is gone.
    #[error("the token's user is gone")]
    UserGone,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The profile use cases, always on the caller's own profile.
pub struct Profiles {
    ports: Ports,
}

impl Profiles {
    /// Builds the use cases.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// Creates the caller's profile.
    pub async fn create(
        &self,
        who: &Principal,
        input: ProfileInput,
        context: &RequestContext,
    ) -> Result<Profile, ProfileOpError> {
        let fields = input.validate().map_err(invalid)?;
        let now = self.ports.clock.now();
        let audit = self.event(AuditKind::ProfileCreated, who, context);
        self.ports.profiles.create(who.user_id, fields, now, audit).await.map_err(|err| match err {
            CreateProfileError::Duplicate => ProfileOpError::Duplicate,
            CreateProfileError::UnknownUser => ProfileOpError::UserGone,
            CreateProfileError::Store(e) => Infrastructure::from(e).into(),
        })
    }

    /// The caller's profile.
    pub async fn read(&self, who: &Principal) -> Result<Profile, ProfileOpError> {
        self.ports
            .profiles
            .find(who.user_id)
            .await
            .map_err(Infrastructure::from)?
            .ok_or(ProfileOpError::NotFound)
    }

    /// Replaces every field of the caller's profile.
    pub async fn replace(
        &self,
        who: &Principal,
        input: ProfileInput,
        context: &RequestContext,
    ) -> Result<Profile, ProfileOpError> {
        let fields = input.validate().map_err(invalid)?;
        self.store_replacement(who, fields, context).await
    }

    /// Changes the given fields of the caller's profile.
    pub async fn patch(
        &self,
        who: &Principal,
        patch: ProfilePatch,
        context: &RequestContext,
    ) -> Result<Profile, ProfileOpError> {
        let current = self.read(who).await?;
        let fields = current.fields.patched(patch).map_err(invalid)?;
        self.store_replacement(who, fields, context).await
    }

    /// Deletes the caller's profile.
    pub async fn delete(
        &self,
        who: &Principal,
        context: &RequestContext,
    ) -> Result<(), ProfileOpError> {
        let audit = self.event(AuditKind::ProfileDeleted, who, context);
        match self.ports.profiles.delete(who.user_id, audit).await.map_err(Infrastructure::from)? {
            true => Ok(()),
            false => Err(ProfileOpError::NotFound),
        }
    }

    async fn store_replacement(
        &self,
        who: &Principal,
        fields: NewProfile,
        context: &RequestContext,
    ) -> Result<Profile, ProfileOpError> {
        let now = self.ports.clock.now();
        let audit = self.event(AuditKind::ProfileUpdated, who, context);
        self.ports
            .profiles
            .replace(who.user_id, fields, now, audit)
            .await
            .map_err(Infrastructure::from)?
            .ok_or(ProfileOpError::NotFound)
    }

    fn event(&self, kind: AuditKind, who: &Principal, context: &RequestContext) -> AuditEvent {
        let user = Party::User(who.user_id.to_string());
        AuditEvent::new(kind, Outcome::Success, user.clone(), context, self.ports.clock.now())
            .target(user)
            .client(&who.client_id)
    }
}

fn invalid(err: ProfileError) -> ProfileOpError {
    let errors = err
        .0
        .into_iter()
        .map(|(field, message)| FieldError { field: field.as_str(), message: message.to_owned() });
    ProfileOpError::Invalid(FieldErrors(errors.collect()))
}

#[cfg(test)]
mod tests {
    use genesis_domain::{Scope, UserId};
    use uuid::Uuid;

    use super::*;
    use crate::test_support::{at, TestPorts};

    fn caller() -> Principal {
        Principal {
            user_id: UserId::from_uuid(Uuid::from_u128(9)),
            session_id: None,
            client_id: "browser".into(),
            scope: Scope::default(),
            token_id: Uuid::from_u128(1),
            expires_at: at(2_000_000_000),
        }
    }

    fn fields() -> NewProfile {
        NewProfile {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_profile_is_created_for_the_caller_and_nobody_else() {
        let mut ports = TestPorts::new();
        ports
            .profiles
            .expect_create()
            .withf(|user, _, _, audit| {
                *user == caller().user_id && audit.kind == AuditKind::ProfileCreated
            })
            .returning(|user_id, fields, now, _| Ok(Profile { user_id, fields, updated_at: now }));
        let profile = Profiles::new(ports.build())
            .create(&caller(), fields(), &RequestContext::default())
            .await
            .unwrap();
        assert_eq!(profile.user_id, caller().user_id);
    }

    #[tokio::test]
    async fn a_second_profile_is_a_duplicate() {
        let mut ports = TestPorts::new();
        ports.profiles.expect_create().returning(|_, _, _, _| Err(CreateProfileError::Duplicate));
        let result = Profiles::new(ports.build())
            .create(&caller(), fields(), &RequestContext::default())
            .await;
        assert!(matches!(result, Err(ProfileOpError::Duplicate)));
    }

    #[tokio::test]
    async fn an_invalid_patch_changes_nothing() {
        let mut ports = TestPorts::new();
        ports.profiles.expect_find().returning(|user_id| {
            Ok(Some(Profile { user_id, fields: fields(), updated_at: at(0) }))
        });
        // no expectation on replace: calling it would fail the test
        let patch =
            ProfilePatch { birthdate: Some(Some("yesterday".into())), ..Default::default() };
        let result =
            Profiles::new(ports.build()).patch(&caller(), patch, &RequestContext::default()).await;
        assert!(matches!(result, Err(ProfileOpError::Invalid(_))));
    }

    #[tokio::test]
    async fn deleting_a_missing_profile_is_not_found() {
        let mut ports = TestPorts::new();
        ports.profiles.expect_delete().returning(|_, _| Ok(false));
        let result =
            Profiles::new(ports.build()).delete(&caller(), &RequestContext::default()).await;
        assert!(matches!(result, Err(ProfileOpError::NotFound)));
    }
}
