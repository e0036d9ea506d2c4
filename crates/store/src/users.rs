//! `UserRepository` over sea-orm.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, NewUser, User, UserId, Username};
use genesis_ports::{CreateUserError, StoreError, UserRepository};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use crate::convert::{seconds, user_from_row};
use crate::entity::user;
use crate::error::{is_duplicate, store_error};
use crate::{audit, Store};

#[async_trait]
impl UserRepository for Store {
    async fn create(&self, new: NewUser, event: AuditEvent) -> Result<User, CreateUserError> {
        let now = seconds(new.created_at);
        let row = user::ActiveModel {
            id: Set(new.id.to_string()),
            username: Set(new.username.as_str().to_owned()),
            username_key: Set(new.username.key().to_owned()),
            email: Set(new.email.as_str().to_owned()),
            email_key: Set(new.email.key().to_owned()),
            password_hash: Set(new.password_hash.as_phc().to_owned()),
            role: Set(new.role.as_str().to_owned()),
            disabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            last_login_at: Set(None),
        };
        let txn = self.db.begin().await.map_err(store_error("starting a transaction"))?;
        let inserted = match row.insert(&txn).await {
            Ok(inserted) => inserted,
            Err(err) if is_duplicate(&err) => return Err(CreateUserError::Duplicate),
            Err(err) => return Err(store_error("inserting a user")(err).into()),
        };
        audit::append(&txn, &event).await?;
        txn.commit().await.map_err(store_error("committing a new user"))?;
        Ok(user_from_row(inserted)?)
    }

    async fn find_by_username(&self, username: &Username) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::UsernameKey.eq(username.key()))
            .one(&self.db)
            .await
            .map_err(store_error("finding a user by name"))?;
        row.map(user_from_row).transpose()
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find_by_id(id.to_string())
            .one(&self.db)
            .await
            .map_err(store_error("finding a user"))?;
        row.map(user_from_row).transpose()
    }
}
