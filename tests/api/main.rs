//! One test binary for every black-box API test: one link step, and one process-wide engine so
//! each component is compiled (or loaded from the cache) once per run.

mod access;
mod admin;
mod alerts;
mod audit_trail;
mod bad_input;
mod catalogue;
mod channels;
mod complaints;
mod email;
mod identity;
mod incident_closure;
mod incident_links;
mod incidents;
mod knowledge;
mod known_errors;
mod major_incidents;
mod openapi;
mod portal;
mod portal_orders;
mod portal_survey;
mod problems;
mod replay;
mod request_closure;
mod requests;
mod retries;
mod satisfaction;
mod search;
mod security_incidents;
mod service_level;
mod sla_clocks;
mod sla_escalation;
mod slack;
mod teams;
mod webhooks;
