//! Refresh-token chains, the access-token revocation list, registered clients, and the time a
//! signing key stopped signing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Scope,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Digest,
    SessionId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum RevokedTokens {
    Table,
    Jti,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Clients {
    Table,
    Id,
    Kind,
    SecretDigest,
    Scopes,
    Grants,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    DemotedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(string_len(Sessions::Scope, 1024).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SigningKeys::Table)
                    .add_column(big_integer_null(SigningKeys::DemotedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .if_not_exists()
                    .col(string_len(RefreshTokens::Digest, 64).primary_key())
                    .col(string_len(RefreshTokens::SessionId, 36))
                    .col(big_integer(RefreshTokens::CreatedAt))
                    .col(big_integer(RefreshTokens::ExpiresAt))
                    .col(big_integer_null(RefreshTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_session")
                            .from(RefreshTokens::Table, RefreshTokens::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_session")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::SessionId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RevokedTokens::Table)
                    .if_not_exists()
                    .col(string_len(RevokedTokens::Jti, 36).primary_key())
                    .col(big_integer(RevokedTokens::ExpiresAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Clients::Table)
                    .if_not_exists()
                    .col(string_len(Clients::Id, 128).primary_key())
                    .col(string_len(Clients::Kind, 16))
                    .col(string_len_null(Clients::SecretDigest, 64))
                    .col(text(Clients::Scopes))
                    .col(text(Clients::Grants))
                    .col(big_integer(Clients::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Clients::Table.into_iden(),
            RevokedTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SigningKeys::Table)
                    .drop_column(SigningKeys::DemotedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Sessions::Table).drop_column(Sessions::Scope).to_owned(),
            )
            .await
    }
}
