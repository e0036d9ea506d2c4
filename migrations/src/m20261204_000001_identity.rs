//! Users, profiles, sessions, signing keys and the audit trail.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const ID_CHARS: u32 = 36;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    UsernameKey,
    Email,
    EmailKey,
    PasswordHash,
    Role,
    Disabled,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum Profiles {
    Table,
    UserId,
    GivenName,
    FamilyName,
    NickName,
    Picture,
    Locale,
    Zoneinfo,
    Birthdate,
    PhoneNumber,
    Address,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    ClientId,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    Algorithm,
    State,
    CreatedAt,
    PublicJwk,
    SealedPrivateKey,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    EventType,
    Outcome,
    ActorKind,
    ActorId,
    TargetKind,
    TargetId,
    ClientId,
    Ip,
    UserAgent,
    RequestId,
    Detail,
}

/// A column compared byte-wise on MySQL/MariaDB (other engines compare bytes already).
fn exact(manager: &SchemaManager, mut column: ColumnDef) -> ColumnDef {
    if manager.get_database_backend() == DatabaseBackend::MySql {
        column.extra("COLLATE utf8mb4_bin");
    }
    column
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(string_len(Users::Id, ID_CHARS).primary_key())
                    .col(string_len(Users::Username, 64))
                    .col(exact(manager, string_len(Users::UsernameKey, 64)))
                    .col(string_len(Users::Email, 254))
                    .col(exact(manager, string_len(Users::EmailKey, 254)))
                    .col(string_len(Users::PasswordHash, 512))
                    .col(string_len(Users::Role, 16))
                    .col(boolean(Users::Disabled))
                    .col(big_integer(Users::CreatedAt))
                    .col(big_integer(Users::UpdatedAt))
                    .col(big_integer_null(Users::LastLoginAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in
            [("ux_users_username_key", Users::UsernameKey), ("ux_users_email_key", Users::EmailKey)]
        {
            manager
                .create_index(
                    Index::create().name(name).table(Users::Table).col(column).unique().to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Profiles::Table)
                    .if_not_exists()
                    .col(string_len(Profiles::UserId, ID_CHARS).primary_key())
                    .col(string_len(Profiles::GivenName, 128))
                    .col(string_len(Profiles::FamilyName, 128))
                    .col(string_len_null(Profiles::NickName, 128))
                    .col(text_null(Profiles::Picture))
                    .col(string_len_null(Profiles::Locale, 35))
                    .col(string_len_null(Profiles::Zoneinfo, 64))
                    .col(string_len_null(Profiles::Birthdate, 10))
                    .col(string_len_null(Profiles::PhoneNumber, 16))
                    .col(text_null(Profiles::Address))
                    .col(big_integer(Profiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_profiles_user")
                            .from(Profiles::Table, Profiles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .if_not_exists()
                    .col(string_len(Sessions::Id, ID_CHARS).primary_key())
                    .col(string_len(Sessions::UserId, ID_CHARS))
                    .col(string_len(Sessions::ClientId, 128))
                    .col(big_integer(Sessions::CreatedAt))
                    .col(big_integer(Sessions::LastUsedAt))
                    .col(big_integer(Sessions::ExpiresAt))
                    .col(big_integer_null(Sessions::RevokedAt))
                    .col(string_len_null(Sessions::Ip, 64))
                    .col(string_len_null(Sessions::UserAgent, 256))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SigningKeys::Table)
                    .if_not_exists()
                    .col(string_len(SigningKeys::Kid, 64).primary_key())
                    .col(string_len(SigningKeys::Algorithm, 16))
                    .col(string_len(SigningKeys::State, 16))
                    .col(big_integer(SigningKeys::CreatedAt))
                    .col(text(SigningKeys::PublicJwk))
                    .col(text(SigningKeys::SealedPrivateKey))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .if_not_exists()
                    .col(big_integer(AuditEvents::Id).primary_key().auto_increment())
                    .col(big_integer(AuditEvents::OccurredAt))
                    .col(string_len(AuditEvents::EventType, 64))
                    .col(string_len(AuditEvents::Outcome, 16))
                    .col(string_len(AuditEvents::ActorKind, 16))
                    .col(string_len_null(AuditEvents::ActorId, 128))
                    .col(string_len_null(AuditEvents::TargetKind, 16))
                    .col(string_len_null(AuditEvents::TargetId, 128))
                    .col(string_len_null(AuditEvents::ClientId, 128))
                    .col(string_len_null(AuditEvents::Ip, 64))
                    .col(string_len_null(AuditEvents::UserAgent, 256))
                    .col(string_len(AuditEvents::RequestId, 64))
                    .col(text(AuditEvents::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_events_type")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::EventType)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            SigningKeys::Table.into_iden(),
            Sessions::Table.into_iden(),
            Profiles::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
