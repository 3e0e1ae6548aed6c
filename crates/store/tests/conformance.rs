//! The conformance suite (`store::testing::conformance`) on every backend
//! this build has: SQLite in a file and in memory, and PostgreSQL when a
//! test server is configured (`NEWSDESK_TEST_PG`; see `store::testing`).

#[cfg(feature = "sqlite")]
mod sqlite_file {
    use store::testing::{SqliteIn, TestDatabase};

    #[expect(clippy::unused_async, reason = "the conformance macro awaits the database of every backend")]
    async fn database(name: &str) -> Option<TestDatabase> {
        Some(TestDatabase::sqlite(name, SqliteIn::File))
    }
    store::conformance_tests!(database);
}

#[cfg(feature = "sqlite")]
mod sqlite_memory {
    use store::testing::{SqliteIn, TestDatabase};

    #[expect(clippy::unused_async, reason = "the conformance macro awaits the database of every backend")]
    async fn database(name: &str) -> Option<TestDatabase> {
        Some(TestDatabase::sqlite(name, SqliteIn::Memory))
    }
    store::conformance_tests!(database);
}

#[cfg(feature = "postgres")]
mod postgres {
    use store::testing::TestDatabase;

    async fn database(name: &str) -> Option<TestDatabase> {
        TestDatabase::postgres(name).await
    }
    store::conformance_tests!(database);
}
