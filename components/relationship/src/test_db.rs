//! The database the store tests share: migrated, in memory, with customers acme and globex,
//! which complaints and ratings name.

use itsm_store::Sql;
use itsm_store::native::NativeDb;

pub const NOW: &str = "2027-01-11T09:00:00.000Z";

pub async fn db() -> NativeDb {
    let db = NativeDb::migrated(NOW).await.expect("migrated db");
    for code in ["acme", "globex"] {
        db.execute(
            "INSERT INTO customer (code, name, created_at, created_by, updated_at) VALUES (?, ?, ?, 'x', ?)",
            &[code.into(), code.into(), NOW.into(), NOW.into()],
        )
        .await
        .expect("customer");
    }
    db
}
