//! Service level management's shared reads: business calendars as stored, the agreement and
//! target that govern a record, the clock policies, and a record's explained clocks. The
//! service level process writes agreements, calendars and policies; every process whose records
//! have clocks reads them through here, so a clock reads the same wherever it is shown.

pub mod calendar_spec;
pub mod clocks;
pub mod escalation;
pub mod facts;
pub mod governing;
pub mod policy;
pub mod summary;
