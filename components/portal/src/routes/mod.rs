//! The portal's pages: the start, reporting a problem, the catalogue and ordering from it,
//! complaints and feedback, each record's own keyed page with its satisfaction survey, and the
//! pages for what went wrong.

pub mod catalogue;
pub mod complaint;
pub mod errors;
pub mod followed;
pub mod home;
pub mod report;
pub mod survey;
pub mod ticket;
