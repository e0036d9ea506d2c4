use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub given_name: String,
    pub family_name: String,
    pub nick_name: Option<String>,
    pub picture: Option<String>,
    pub locale: Option<String>,
    pub zoneinfo: Option<String>,
    pub birthdate: Option<String>,
    pub phone_number: Option<String>,
    pub address: Option<String>,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
