//! Service level management (requirements §2.8, §7.10): agreements and their lifecycle, the
//! targets they set and the choice of the one that governs a record, the business calendars SLA
//! clocks run on (with holidays imported from iCalendar files), and the clock engine that reads
//! a record's state history against a target. Pure, like the rest of the domain: time zones come
//! from the IANA database compiled in, never from the machine.

mod agreement;
mod breach;
mod calendar;
mod clock;
mod escalation;
mod explain;
mod holidays;
mod policy;
mod target;
mod wording;
mod zone;

pub use agreement::{
    AgreementAction, AgreementKind, AgreementState, AgreementTransitionError, ShownState,
    allowed_agreement_actions, check_validity, next_agreement_state, shown_state, terms_editable,
};
pub use holidays::{
    Holiday, HolidayImportError, MAX_HOLIDAY_NAME, MAX_IMPORTED_DAYS, holidays_from_ics,
};
pub use target::{
    Breadth, Candidate, Choice, DEFAULT_WARN_AT_PERCENT, ListFault, MAX_TARGET_MINUTES, Subject,
    Target, TargetRecord, check_targets, choose,
};

pub use breach::BreachCause;
pub use calendar::{BusinessCalendar, CalendarError, Hours};
pub use clock::{Change, Effect, Pause, Reading, Standing, Timeline, crossing, read, timeline};
pub use escalation::{
    EscalationAction, EscalationRule, EscalationTrigger, check_escalation_rules, escalations_for,
    raised_priority, raised_urgency,
};
pub use explain::{Explained, Governing, explain};
pub use policy::{
    ClockEffect, ClockPolicy, Metric, MetricPolicy, PolicyVersion, clock_changes, state_key,
    state_keys,
};
pub use wording::minutes_text;
pub use zone::{Transition, ZoneRules};
