//! The audit hash chain: a gap-free sequence number, the previous record's hash and the
//! record's own hash on every audit event, and a one-row chain head whose row lock serialises
//! appends on every engine.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The hash the first record chains from (64 zeros).
const CHAIN_START: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Seq,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            big_integer_null(AuditEvents::Seq),
            string_len_null(AuditEvents::PrevHash, 64),
            string_len_null(AuditEvents::Hash, 64),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter().table(AuditEvents::Table).add_column(&mut column).to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_audit_events_seq")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .if_not_exists()
                    .col(integer(AuditHead::Id).primary_key())
                    .col(big_integer(AuditHead::Seq))
                    .col(string_len(AuditHead::Hash, 64))
                    .to_owned(),
            )
            .await?;
        let head = Query::insert()
            .into_table(AuditHead::Table)
            .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
            .values_panic([1.into(), 0.into(), CHAIN_START.into()])
            .to_owned();
        manager.exec_stmt(head).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditHead::Table).if_exists().to_owned()).await?;
        manager
            .drop_index(
                Index::drop().name("ux_audit_events_seq").table(AuditEvents::Table).to_owned(),
            )
            .await?;
        for column in [AuditEvents::Hash, AuditEvents::PrevHash, AuditEvents::Seq] {
            manager
                .alter_table(
                    Table::alter().table(AuditEvents::Table).drop_column(column).to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
