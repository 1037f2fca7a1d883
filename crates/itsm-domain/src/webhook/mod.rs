//! Outbound webhooks: the events a subscription may ask for, how they are read off the audit
//! trail, how a delivery is signed and shaped for its receiver, and when a failed one is tried
//! again. The webhooks component stores subscriptions and deliveries and does the sending.

mod event;
mod event_type;
mod render;
mod retry;
mod signature;

pub use event::{RecordChange, RecordEvent, events_of, watched_entity_types};
pub use event_type::EventType;
pub use render::{Delivery, Format, render};
pub use retry::{DeliveryStatus, Verdict, retry_delay_minutes, verdict};
pub use signature::{SECRET_PREFIX, sign, subscription_secret};
