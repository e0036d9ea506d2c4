//! `ClientRepository` over sea-orm.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, Client, ClientKind, GrantType, Scope, SecretDigest};
use genesis_ports::{ClientRepository, CreateClientError, StoreError};
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use time::OffsetDateTime;

use crate::convert::seconds;
use crate::entity::client;
use crate::error::{corrupt, is_duplicate, store_error};
use crate::{audit, Store};

fn client_from_row(row: client::Model) -> Result<Client, StoreError> {
    let grants = row
        .grants
        .split_whitespace()
        .map(GrantType::parse)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| corrupt("client grants"))?;
    Ok(Client {
        kind: ClientKind::parse(&row.kind).ok_or_else(|| corrupt("client kind"))?,
        allowed_scopes: Scope::parse(&row.scopes).ok_or_else(|| corrupt("client scopes"))?,
        grants,
        secret_digest: row.secret_digest.map(SecretDigest::from_hex),
        id: row.id,
    })
}

#[async_trait]
impl ClientRepository for Store {
    async fn find(&self, id: &str) -> Result<Option<Client>, StoreError> {
        let row = client::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await
            .map_err(store_error("reading a client"))?;
        row.map(client_from_row).transpose()
    }

    async fn create(
        &self,
        new: Client,
        now: OffsetDateTime,
        event: AuditEvent,
    ) -> Result<(), CreateClientError> {
        let grants: Vec<&str> = new.grants.iter().map(GrantType::as_str).collect();
        let row = client::ActiveModel {
            id: Set(new.id.clone()),
            kind: Set(new.kind.as_str().to_owned()),
            secret_digest: Set(new.secret_digest.as_ref().map(|d| d.as_hex().to_owned())),
            scopes: Set(new.allowed_scopes.to_string()),
            grants: Set(grants.join(" ")),
            created_at: Set(seconds(now)),
        };
        let (txn, _turn) = self.begin_write().await?;
        match row.insert(&txn).await {
            Ok(_) => {}
            Err(err) if is_duplicate(&err) => return Err(CreateClientError::Duplicate),
            Err(err) => return Err(store_error("inserting a client")(err).into()),
        }
        let appended = audit::append(&txn, &event).await?;
        self.commit(txn, vec![appended], "committing a client").await?;
        Ok(())
    }

    async fn list(&self) -> Result<Vec<Client>, StoreError> {
        let rows = client::Entity::find()
            .order_by_asc(client::Column::Id)
            .all(&self.db)
            .await
            .map_err(store_error("listing clients"))?;
        rows.into_iter().map(client_from_row).collect()
    }
}
