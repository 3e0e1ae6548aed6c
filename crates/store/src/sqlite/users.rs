//! Newsroom users.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{SqliteStore, begin_write, is_unique_violation, sql};
use crate::{Db, NewUser, Result, Role, StoreError, User, UserStore};

/// A user from a row with `user_columns!` (in `sql.rs`).
pub(super) fn user_from_row(row: &SqliteRow) -> Result<User> {
    let role: String = row.try_get("role").db()?;
    let disabled: i64 = row.try_get("disabled").db()?;
    Ok(User {
        id: row.try_get("id").db()?,
        name: row.try_get("name").db()?,
        display_name: row.try_get("display_name").db()?,
        email: row.try_get("email").db()?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        password_hash: row.try_get("password_hash").db()?,
        disabled: disabled != 0,
        created_at: row.try_get("created_at").db()?,
        updated_at: row.try_get("updated_at").db()?,
    })
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;

/// Why a change that would leave no admin able to sign in is refused.
const LAST_ADMIN: &str = "the site's last active admin cannot lose that role or be disabled: make another admin first";

impl SqliteStore {
    /// Runs `sql`, an UPDATE of user `?1` (its other parameters bound by
    /// `bind`), in one transaction: `NotFound` when there is no such user;
    /// when the change `takes_admin` (demotes or disables), `Conflict` if
    /// the user is the last active admin.
    async fn change_user<'q>(
        &self,
        id: i64,
        takes_admin: bool,
        sql: &'static str,
        bind: impl FnOnce(Query<'q>) -> Query<'q> + Send,
    ) -> Result<()> {
        let mut tx = begin_write(self.writer.pool()).await?;
        let row = sqlx::query(sql::ROLE_OF_USER).bind(id).fetch_optional(&mut *tx).await.db()?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let (role, disabled): (String, i64) = (row.try_get("role").db()?, row.try_get("disabled").db()?);
        if takes_admin && role == "admin" && disabled == 0 {
            let others: i64 = sqlx::query_scalar(sql::OTHER_ACTIVE_ADMINS).bind(id).fetch_one(&mut *tx).await.db()?;
            if others == 0 {
                return Err(StoreError::Conflict(LAST_ADMIN.to_owned()));
            }
        }
        bind(sqlx::query(sql).bind(id)).execute(&mut *tx).await.db()?;
        tx.commit().await.db()?;
        Ok(())
    }
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, user: &NewUser, now: i64) -> Result<User> {
        let id: i64 = sqlx::query(sql::INSERT_USER)
            .bind(&user.name)
            .bind(&user.display_name)
            .bind(&user.email)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(now)
            .fetch_one(self.writer.pool())
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("the user name {} is taken", user.name))
                } else {
                    crate::db_error(e)
                }
            })?
            .try_get("id")
            .db()?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<User>> {
        let row = sqlx::query(sql::USER_BY_NAME).bind(name).fetch_optional(&self.pool).await.db()?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(sql::USER_BY_ID).bind(id).fetch_optional(&self.pool).await.db()?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(sql::USERS).fetch_all(&self.pool).await.db()?;
        rows.iter().map(user_from_row).collect()
    }

    async fn set_role(&self, id: i64, role: Role, now: i64) -> Result<()> {
        self.change_user(id, role != Role::Admin, sql::SET_ROLE, |q| q.bind(role.as_str()).bind(now)).await
    }

    async fn set_password_hash(&self, id: i64, hash: &str, now: i64) -> Result<()> {
        self.change_user(id, false, sql::SET_PASSWORD_HASH, |q| q.bind(hash).bind(now)).await
    }

    async fn set_disabled(&self, id: i64, disabled: bool, now: i64) -> Result<()> {
        self.change_user(id, disabled, sql::SET_DISABLED, |q| q.bind(i64::from(disabled)).bind(now)).await
    }

    async fn count_active_admins(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(sql::ACTIVE_ADMINS).fetch_one(&self.pool).await.db()?;
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user(name: &str, role: Role) -> NewUser {
        NewUser {
            name: name.to_owned(),
            display_name: format!("{name} display"),
            email: None,
            role,
            password_hash: "$argon2id$x".into(),
        }
    }

    #[tokio::test]
    async fn users_roles_and_the_last_admin() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        assert_eq!(s.count_active_admins().await.unwrap(), 0);
        let ada = s.create_user(&new_user("ada", Role::Admin), 10).await.unwrap();
        assert_eq!((ada.name.as_str(), ada.role, ada.disabled, ada.created_at), ("ada", Role::Admin, false, 10));
        assert!(matches!(s.create_user(&new_user("ada", Role::Writer), 11).await, Err(StoreError::Conflict(_))));
        let bo = s.create_user(&new_user("bo", Role::Writer), 12).await.unwrap();
        assert_eq!(s.users().await.unwrap().iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ada", "bo"]);
        assert_eq!(s.user_by_name("bo").await.unwrap().unwrap().id, bo.id);
        assert!(s.user_by_name("nobody").await.unwrap().is_none());
        // The only admin can be neither demoted nor disabled.
        assert!(matches!(s.set_role(ada.id, Role::Editor, 13).await, Err(StoreError::Conflict(_))));
        assert!(matches!(s.set_disabled(ada.id, true, 13).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.user_by_id(ada.id).await.unwrap().unwrap().role, Role::Admin);
        // With a second admin, they can.
        s.set_role(bo.id, Role::Admin, 14).await.unwrap();
        assert_eq!(s.count_active_admins().await.unwrap(), 2);
        s.set_disabled(ada.id, true, 15).await.unwrap();
        assert_eq!(s.count_active_admins().await.unwrap(), 1);
        assert!(matches!(s.set_role(bo.id, Role::Writer, 16).await, Err(StoreError::Conflict(_))));
        // A disabled admin is no active admin: enabling and demoting it is fine.
        s.set_role(ada.id, Role::Editor, 17).await.unwrap();
        s.set_disabled(ada.id, false, 18).await.unwrap();
        let ada = s.user_by_id(ada.id).await.unwrap().unwrap();
        assert_eq!((ada.role, ada.disabled, ada.updated_at), (Role::Editor, false, 18));
        s.set_password_hash(ada.id, "$argon2id$y", 19).await.unwrap();
        assert_eq!(s.user_by_id(ada.id).await.unwrap().unwrap().password_hash, "$argon2id$y");
        assert!(matches!(s.set_password_hash(999, "h", 1).await, Err(StoreError::NotFound)));
        assert!(matches!(s.set_role(999, Role::Writer, 1).await, Err(StoreError::NotFound)));
        assert_eq!(Role::parse(" Editor "), Some(Role::Editor));
        assert_eq!(Role::parse("root"), None);
    }
}
