//! Newsroom users (as the SQLite store's `users`).

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{PostgresStore, is_unique_violation};
use crate::{Db, NewUser, Result, Role, StoreError, User, UserStore, db_error};

/// A user's columns, for [`user_from_row`] (table `users`, unaliased).
pub(super) const USER_COLUMNS: &str = "users.id, users.name, users.display_name, users.email, users.role, \
     users.password_hash, users.disabled, users.created_at, users.updated_at";

/// A user from a row with [`USER_COLUMNS`].
pub(super) fn user_from_row(row: &PgRow) -> Result<User> {
    let role: String = row.try_get("role").db()?;
    Ok(User {
        id: row.try_get("id").db()?,
        name: row.try_get("name").db()?,
        display_name: row.try_get("display_name").db()?,
        email: row.try_get("email").db()?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        password_hash: row.try_get("password_hash").db()?,
        disabled: row.try_get("disabled").db()?,
        created_at: row.try_get("created_at").db()?,
        updated_at: row.try_get("updated_at").db()?,
    })
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Why a change that would leave no admin able to sign in is refused.
const LAST_ADMIN: &str = "the site's last active admin cannot lose that role or be disabled: make another admin first";

impl PostgresStore {
    /// Runs `sql`, an UPDATE of user `$1` (its other parameters bound by
    /// `bind`), in one transaction: `NotFound` when there is no such user;
    /// when the change `takes_admin` (demotes or disables), `Conflict` if
    /// the user is the last active admin. The table is locked against
    /// other writers for the transaction, so two admins demoting each other
    /// at once cannot both succeed (as SQLite's one writer).
    async fn change_user<'q>(
        &self,
        id: i64,
        takes_admin: bool,
        sql: &'static str,
        bind: impl FnOnce(Query<'q>) -> Query<'q> + Send,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await.db()?;
        let row = sqlx::query("SELECT role, disabled FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let (role, disabled): (String, bool) = (row.try_get("role").db()?, row.try_get("disabled").db()?);
        if takes_admin && role == "admin" && !disabled {
            let others: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await
                    .db()?;
            if others == 0 {
                return Err(StoreError::Conflict(LAST_ADMIN.to_owned()));
            }
        }
        bind(sqlx::query(sql).bind(id)).execute(&mut *tx).await.db()?;
        tx.commit().await.db()?;
        Ok(())
    }

    async fn user_where(
        &self,
        condition: &'static str,
        bind: impl FnOnce(Query<'_>) -> Query<'_>,
    ) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {condition}");
        let row = bind(sqlx::query(sqlx::AssertSqlSafe(sql))).fetch_optional(&self.pool).await.db()?;
        row.as_ref().map(user_from_row).transpose()
    }
}

#[async_trait]
impl UserStore for PostgresStore {
    async fn create_user(&self, user: &NewUser, now: i64) -> Result<User> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (name, display_name, email, role, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(&user.name)
        .bind(&user.display_name)
        .bind(&user.email)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!("the user name {} is taken", user.name))
            } else {
                db_error(e)
            }
        })?;
        self.user_by_id(id).await?.ok_or(StoreError::NotFound)
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<User>> {
        self.user_where("name = $1", |q| q.bind(name.to_owned())).await
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        self.user_where("id = $1", |q| q.bind(id)).await
    }

    async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await.db()?;
        rows.iter().map(user_from_row).collect()
    }

    async fn set_role(&self, id: i64, role: Role, now: i64) -> Result<()> {
        self.change_user(id, role != Role::Admin, "UPDATE users SET role = $2, updated_at = $3 WHERE id = $1", |q| {
            q.bind(role.as_str()).bind(now)
        })
        .await
    }

    async fn set_password_hash(&self, id: i64, hash: &str, now: i64) -> Result<()> {
        let hash = hash.to_owned();
        self.change_user(id, false, "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", |q| {
            q.bind(hash).bind(now)
        })
        .await
    }

    async fn set_disabled(&self, id: i64, disabled: bool, now: i64) -> Result<()> {
        self.change_user(id, disabled, "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1", |q| {
            q.bind(disabled).bind(now)
        })
        .await
    }

    async fn count_active_admins(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled")
            .fetch_one(&self.pool)
            .await
            .db()?;
        Ok(n.max(0) as u64)
    }
}
