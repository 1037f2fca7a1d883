//! Service level management (requirements §2.8, §7.10): the business calendars SLA clocks run
//! on, and the clock engine that reads a record's state history against a target. Pure, like the rest of the domain: time zones come from the IANA database compiled in,
//! never from the machine.

mod calendar;
mod clock;

pub use calendar::{BusinessCalendar, CalendarError, Hours};
pub use clock::{Change, Effect, Pause, Reading, Standing, Timeline, read, timeline};
