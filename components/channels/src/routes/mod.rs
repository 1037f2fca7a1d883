//! The channels component's handlers: each platform's signed route, the commands they share,
//! and the links between chat accounts and project users.

pub mod commands;
pub mod identities;
pub mod signed;
pub mod slack;
pub mod slack_actions;
