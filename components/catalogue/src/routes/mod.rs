//! The catalogue routes, one file per resource, and the steps they share: the authorities, finding
//! a service or entry, and answering with a record and its `ETag`.

pub mod entries;
pub mod published;
pub mod services;
pub mod versions;

use crate::store::services::{Service, load_service};
use itsm_http::ApiError;
use itsm_store::Sql;

/// Authorities of the catalogue process, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{
    CATALOGUE_PUBLISH as PUBLISH, CATALOGUE_READ as READ_PUBLISHED, CATALOGUE_WRITE as WRITE,
    SERVICE_READ as READ, SERVICE_RETIRE as RETIRE,
};

pub async fn find_service(db: &impl Sql, code: &str) -> Result<Service, ApiError> {
    load_service(db, code)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("service {code}")))
}

pub use itsm_http::etag::respond;
