//! `ProfileRepository` over sea-orm.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, NewProfile, Profile, UserId};
use genesis_ports::{CreateProfileError, ProfileRepository, StoreError};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use time::OffsetDateTime;

use crate::convert::{instant, seconds};
use crate::entity::profile;
use crate::error::{corrupt, is_duplicate, is_missing_parent, store_error};
use crate::{audit, Store};

fn row_for(user_id: UserId, fields: NewProfile, now: OffsetDateTime) -> profile::ActiveModel {
    profile::ActiveModel {
        user_id: Set(user_id.to_string()),
        given_name: Set(fields.given_name),
        family_name: Set(fields.family_name),
        nick_name: Set(fields.nick_name),
        picture: Set(fields.picture),
        locale: Set(fields.locale),
        zoneinfo: Set(fields.zoneinfo),
        birthdate: Set(fields.birthdate),
        phone_number: Set(fields.phone_number),
        address: Set(fields.address),
        updated_at: Set(seconds(now)),
    }
}

fn profile_from_row(row: profile::Model) -> Result<Profile, StoreError> {
    Ok(Profile {
        user_id: UserId::parse(&row.user_id).map_err(|_| corrupt("profile owner"))?,
        updated_at: instant(row.updated_at)?,
        fields: NewProfile {
            given_name: row.given_name,
            family_name: row.family_name,
            nick_name: row.nick_name,
            picture: row.picture,
            locale: row.locale,
            zoneinfo: row.zoneinfo,
            birthdate: row.birthdate,
            phone_number: row.phone_number,
            address: row.address,
        },
    })
}

#[async_trait]
impl ProfileRepository for Store {
    async fn create(
        &self,
        user_id: UserId,
        fields: NewProfile,
        now: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<Profile, CreateProfileError> {
        let (txn, _turn) = self.begin_write().await?;
        let inserted = match row_for(user_id, fields, now).insert(&txn).await {
            Ok(row) => row,
            Err(err) if is_duplicate(&err) => return Err(CreateProfileError::Duplicate),
            Err(err) if is_missing_parent(&err) => return Err(CreateProfileError::UnknownUser),
            Err(err) => return Err(store_error("inserting a profile")(err).into()),
        };
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a profile").await?;
        Ok(profile_from_row(inserted)?)
    }

    async fn find(&self, user_id: UserId) -> Result<Option<Profile>, StoreError> {
        let row = profile::Entity::find_by_id(user_id.to_string())
            .one(&self.db)
            .await
            .map_err(store_error("reading a profile"))?;
        row.map(profile_from_row).transpose()
    }

    async fn replace(
        &self,
        user_id: UserId,
        fields: NewProfile,
        now: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<Option<Profile>, StoreError> {
        let (txn, _turn) = self.begin_write().await?;
        let result = profile::Entity::update_many()
            .set(row_for(user_id, fields, now))
            .filter(profile::Column::UserId.eq(user_id.to_string()))
            .exec(&txn)
            .await
            .map_err(store_error("replacing a profile"))?;
        if result.rows_affected == 0 {
            return Ok(None);
        }
        let appended = audit::append(&txn, &event).await?;
        let row = profile::Entity::find_by_id(user_id.to_string())
            .one(&txn)
            .await
            .map_err(store_error("reading a replaced profile"))?;
        self.commit(txn, vec![appended], "committing a profile").await?;
        row.map(profile_from_row).transpose()
    }

    async fn delete(&self, user_id: UserId, event: AuditEvent) -> Result<bool, StoreError> {
        let (txn, _turn) = self.begin_write().await?;
        let Some(row) = profile::Entity::find_by_id(user_id.to_string())
            .one(&txn)
            .await
            .map_err(store_error("reading a profile"))?
        else {
            return Ok(false);
        };
        row.into_active_model().delete(&txn).await.map_err(store_error("deleting a profile"))?;
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a profile deletion").await?;
        Ok(true)
    }
}
