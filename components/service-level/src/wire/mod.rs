//! The JSON shapes of the service level API: calendars, agreements' terms, and the answers.

pub mod agreement;
pub mod calendar;
