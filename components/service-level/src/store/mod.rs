//! The service level process's tables: `business_calendar`, `service_agreement` (the working
//! copy) and `service_agreement_version` (each approved version).

pub mod agreements;
pub mod calendars;
pub mod events;
