//! The channels component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::store::ChatIdentity;
use crate::wire::{LinkRequest, MailgunMessage, SlackCommand, SlackInteraction, TeamsActivity};
use itsm_domain::access::names;
use itsm_domain::chat::COMMAND_HELP;
use itsm_http::openapi::ApiDoc;

const TAG: &str = "channels";
const ACCOUNT: &str = "/api/v1/channels/identities/{platform}/{workspace}/{external_id}";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Chat operations and e-mail: Slack slash commands and buttons, Microsoft Teams outgoing-webhook commands and e-mail through Mailgun, verified by the platform's signature and carried out through the processes as the project user the chat account is linked to (or whose address sent the e-mail), with that user's authorities.");
    let commands = format!(
        "The Slack app's slash command (`/itsm`). Slack's request is checked first: `X-Slack-Signature` must be `v0=` and the HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<body>` under the `slack_signing_secret` variable, and the timestamp within five minutes; otherwise 401, and nothing is done. A copy of a request already handled (a replay, or a retry after a lost answer) gets the first answer and does nothing again. An unsigned or badly signed request is logged; the first of each minute is also recorded in the audit trail. An account not linked to a user gets a reply saying how to link it, and nothing is done. Commands: {COMMAND_HELP}. The answer is Slack's slash-command response (`response_type` `in_channel` for changes, `ephemeral` for answers only the caller should see, and Block Kit `blocks` of plain text); a refusal by the process comes back in its own words, privately."
    );
    doc.post("/api/v1/channels/slack/commands", "slackCommand", "A Slack slash command")
        .tag(TAG)
        .signed("Slack's request signature (X-Slack-Signature, X-Slack-Request-Timestamp).")
        .describe(&commands)
        .form_body::<SlackCommand>()
        .ok_json_schema(
            "The reply to show in Slack.",
            serde_json::json!({"type": "object", "required": ["text"], "properties": {
                "response_type": {"type": "string", "enum": ["in_channel", "ephemeral"]},
                "text": {"type": "string"},
                "blocks": {"type": "array", "items": {"type": "object"}}}}),
        )
        .fails(503, "The deployment has not set `slack_signing_secret` (or `relay_secret`); the detail names it.")
        .add();
    doc.post("/api/v1/channels/slack/interactions", "slackInteraction", "A click on a Slack button")
        .tag(TAG)
        .signed("Slack's request signature (X-Slack-Signature, X-Slack-Request-Timestamp).")
        .describe("The Slack app's interactivity request URL. A `show` answer offers buttons (`Assign to me` on an open incident or request, `Approve` on a request awaiting approval); a click is checked like a slash command and carried out as the clicker, and its outcome posted to the interaction's `response_url`. The answer itself is an empty object, as Slack asks.")
        .form_body::<SlackInteraction>()
        .ok_json_schema("Received.", serde_json::json!({"type": "object"}))
        .fails(503, "The deployment has not set `slack_signing_secret` (or `relay_secret`); the detail names it.")
        .add();
    let teams = format!(
        "A Microsoft Teams outgoing webhook's callback URL, called when someone @mentions the webhook in a channel (`@ITSM show INC0000042`). `Authorization` must be `HMAC <base64>` of the HMAC-SHA256 of the body under the base64 security token Teams showed when the webhook was created (the `teams_security_token` variable), and the activity's `timestamp` within five minutes; otherwise 401, and nothing is done. A copy already handled gets the first answer. The sender is the user their Entra object id (`from.aadObjectId`) or Teams id (`from.id`) is linked to in the tenant (`channelData.tenant.id`); an unlinked sender gets a reply saying how to link it. A person @mentioned in `assign` is the user their Teams id is linked to. Commands: {COMMAND_HELP}. Teams posts every answer to the channel, so answers show where a record stands (number, state, priority, assignee, group, service) but not its title or customer, nor why access was refused; of a security incident nothing is shown (`mine` leaves them out, `show` says it cannot be shown there, a change is answered `Done.`). In `assign … to @person` the mention is the user that Teams id is linked to; elsewhere a mention is the name. The answer is a message with one Adaptive Card of plain text runs."
    );
    doc.post("/api/v1/channels/teams/messages", "teamsMessage", "A Teams outgoing-webhook message")
        .tag(TAG)
        .signed("Teams' HMAC of the body (Authorization: HMAC <base64>).")
        .describe(&teams)
        .body::<TeamsActivity>()
        .ok_json_schema(
            "The reply Teams posts in the thread.",
            serde_json::json!({"type": "object", "required": ["type", "attachments"], "properties": {
                "type": {"type": "string", "enum": ["message"]},
                "attachments": {"type": "array", "items": {"type": "object"}}}}),
        )
        .fails(503, "The deployment has not set `teams_security_token` (or `relay_secret`); the detail names it.")
        .add();
    doc.post("/api/v1/channels/email/mailgun", "mailgunMessage", "An e-mail to the service desk, from Mailgun")
        .tag(TAG)
        .signed("Mailgun's signature (the `signature` field: HMAC-SHA256 of `timestamp` and `token`).")
        .describe("The URL of a Mailgun route's `forward()` action. The post must be signed with the HTTP webhook signing key (the `mailgun_signing_key` variable) and no older than Mailgun's retries (nine hours); a signature is bound to the first message it came with and refused (401) with any other, since it does not cover the message. A message is handled once, however often it is posted (known by its Message-Id, sender, subject and text), and later copies get the first answer. It is acted on only if a person wrote it (not an automatic reply or bulk mail: `Auto-Submitted`, `Precedence`), Mailgun did not mark it as spam, the From address is proven (Mailgun's SPF verdict passed for an envelope sender of the From domain, or its DKIM verdict passed with every signature that domain's, each verdict present once; or the domain is listed in `email_trusted_domains`), and it is the address of exactly one active user. Then, as that user, through the incident process: a subject naming an open incident (`Re: [INC0000042] …`) adds the reply (without its quoted part) as a comment; anything else, or an incident that is closed or not theirs, opens an incident on channel `email` whose description says why. Attachments are named in the record, not kept. What cannot be kept whole is cut with a note saying so. Posts up to 32 MB are read. The answer says what was done (`created`, `commented`) or why nothing was (`refused`, with `reason`); both are 200, so Mailgun does not send again what would be refused again; a failure of the incident process is 500 or 429, and a copy arriving while another is handled 409, so Mailgun sends the message again later.")
        .form_or_multipart_body::<MailgunMessage>()
        .ok_json_schema(
            "What became of the message.",
            serde_json::json!({"type": "object", "required": ["outcome"], "properties": {
                "outcome": {"type": "string", "enum": ["created", "commented", "refused"]},
                "record": {"type": "string"}, "user": {"type": "string"}, "reason": {"type": "string"}}}),
        )
        .fails(409, "Another copy of the message is being handled; Mailgun sends it again later.")
        .fails(500, "The incident process could not be reached or failed; Mailgun sends the message again later.")
        .fails(503, "The deployment has not set `mailgun_signing_key` (or `relay_secret`); the detail names it.")
        .add();
    doc.get(
        "/api/v1/channels/identities",
        "listChatIdentities",
        "Chat accounts linked to users",
    )
    .tag(TAG)
    .authority(names::USER_READ)
    .list_of::<ChatIdentity>("Every linked account.")
    .add();
    doc.put(ACCOUNT, "linkChatIdentity", "Link a chat account to a user")
        .tag(TAG)
        .authority(names::TOKEN_MANAGE)
        .describe("From then on the account's commands act as this user, with the user's authorities, as a token of theirs would; so it takes what issuing someone else's token takes. Linking again moves the account to another user.")
        .path_choice("platform", "The chat platform.", ["slack", "teams"])
        .path_param("workspace", "The Slack workspace (team id, such as T0001) or Teams tenant.")
        .path_param("external_id", "The platform's user id: Slack U…; in Teams the Entra object id (aadObjectId), or the Teams id (29:…), which @mentions in commands name.")
        .body::<LinkRequest>()
        .ok::<ChatIdentity>("The link, replacing an earlier one.")
        .created::<ChatIdentity>("The new link.")
        .add();
    doc.delete(ACCOUNT, "unlinkChatIdentity", "Unlink a chat account")
        .tag(TAG)
        .authority(names::TOKEN_MANAGE)
        .path_choice("platform", "The chat platform.", ["slack", "teams"])
        .path_param("workspace", "The Slack workspace or Teams tenant.")
        .path_param("external_id", "The platform's user id.")
        .no_content("Unlinked: its commands now get the linking hint again.")
        .add();
}
