//! The portal's pages: the start, reporting a problem, a report's own page, and the pages for
//! what went wrong.

pub mod errors;
pub mod home;
pub mod report;
pub mod ticket;
