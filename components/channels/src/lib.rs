//! Chat operations as a Spin component: Slack slash commands and buttons, Microsoft Teams
//! outgoing-webhook commands, and e-mail to the desk through Mailgun. Each request is proven by
//! the platform's signature, the chat account or sender is mapped to a project user before
//! anything is done, and the command is carried out through the process components, as that
//! user, by Spin's service chaining. Its own component because it speaks for people the
//! processes never see directly, with secrets and an allow-list of its own. This file is the
//! route table; handlers are in `routes/` (their calls to the processes go through
//! `itsm_http::process_api`), replies in `reply.rs`, SQL in `store.rs`, wire shapes in
//! `wire.rs`, the OpenAPI part in `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod reply;
mod routes;
mod store;
mod wire;

use itsm_http::RouteTable;
use routes::{email, identities, slack, slack_actions, teams};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .signed_post("/api/v1/channels/slack/commands", slack::command)
        .signed_post(
            "/api/v1/channels/slack/interactions",
            slack_actions::interaction,
        )
        .signed_post("/api/v1/channels/teams/messages", teams::message)
        .signed_post_up_to(
            "/api/v1/channels/email/mailgun",
            email::mailgun,
            email::MAX_POST_BYTES,
        )
        .get("/api/v1/channels/identities", identities::list)
        .put(
            "/api/v1/channels/identities/{platform}/{workspace}/{external_id}",
            identities::link,
        )
        .delete(
            "/api/v1/channels/identities/{platform}/{workspace}/{external_id}",
            identities::unlink,
        )
}

itsm_http::component_entry!();
