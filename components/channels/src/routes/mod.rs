//! The channels component's handlers: each platform's signed route, the commands and accounts
//! they share, and the links between chat accounts and project users.

pub mod accounts;
pub mod commands;
pub mod email;
pub mod identities;
pub mod signed;
pub mod slack;
pub mod slack_actions;
pub mod teams;
