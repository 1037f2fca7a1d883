//! Carrying a chat command out as the linked user, through the process components' own API:
//! each step is the same call the user could make with a token, so every rule, refusal and
//! audit entry is the process's own. Refusals come back to the chat in the process's words,
//! except, where the whole channel reads them, why access was refused.

use crate::reply::{Button, Reply};
use http::Method;
use itsm_domain::chat::{COMMAND_HELP, Command, RecordRef};
use itsm_domain::{RecordKind, record_title};
use itsm_http::process_api::{Answer, ProcessApi};
use serde_json::{Value, json};

/// How many of each list `mine` shows.
const LISTED: usize = 20;

/// Who reads what a command answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The platform can answer the one who asked alone (Slack's ephemeral replies): answers
    /// show the record as the asker may see it; changes go to the channel.
    Asker,
    /// Every answer is posted to the channel (Teams' outgoing webhooks): answers leave out what
    /// a record says and whose it is, and nothing about a security incident is shown.
    Channel,
}

pub async fn run(api: &impl ProcessApi, user: &str, command: Command, audience: Audience) -> Reply {
    match carry_out(api, user, command, audience).await {
        Ok(reply) | Err(reply) => reply,
    }
}

async fn carry_out(
    api: &impl ProcessApi,
    user: &str,
    command: Command,
    audience: Audience,
) -> Result<Reply, Reply> {
    match command {
        Command::Help => Ok(Reply::private(format!("Commands: {COMMAND_HELP}"))),
        Command::New { text } => {
            let body = json!({"short_description": text, "impact": "medium", "urgency": "medium",
                              "caller": user, "channel": "chat"});
            let logged = expect(
                api.call(Method::POST, "/api/v1/incidents", Some(&body))
                    .await,
                "log the incident",
                audience,
            )?;
            let number = text_of(&logged.body["number"]);
            Ok(announce(
                &logged.body,
                format!("{number} logged by {user}: {text}"),
                audience,
            ))
        }
        Command::Show { record } => {
            let shown = expect(
                api.call(Method::GET, &path_of(record), None).await,
                &format!("show {}", record.number()),
                audience,
            )?;
            Ok(show(record, &shown.body, audience))
        }
        Command::Assign { record, to } => {
            only(
                record,
                &[RecordKind::Incident, RecordKind::Request],
                "assign",
            )?;
            let assignee = to.unwrap_or_else(|| user.to_owned());
            let body = json!({"assignee": assignee});
            let path = format!("{}/assign", path_of(record));
            let done = expect(
                api.call(Method::POST, &path, Some(&body)).await,
                &format!("assign {}", record.number()),
                audience,
            )?;
            Ok(announce(
                &done.body,
                format!("{} assigned to {assignee} by {user}", record.number()),
                audience,
            ))
        }
        Command::Resolve { record, notes } => {
            only(
                record,
                &[RecordKind::Incident, RecordKind::Request],
                "resolve",
            )?;
            let (path, body) = match record.kind {
                RecordKind::Incident => (
                    format!("{}/resolve", path_of(record)),
                    json!({"resolution_code": "solved_permanently", "resolution_notes": notes}),
                ),
                _ => (
                    format!("{}/fulfil", path_of(record)),
                    json!({"notes": notes}),
                ),
            };
            let done = expect(
                api.call(Method::POST, &path, Some(&body)).await,
                &format!("resolve {}", record.number()),
                audience,
            )?;
            Ok(announce(
                &done.body,
                format!("{} resolved by {user}: {notes}", record.number()),
                audience,
            ))
        }
        Command::Mine => mine(api, user, audience).await,
        Command::Approve { record, reason } => {
            only(record, &[RecordKind::Request], "approve")?;
            let body = json!({"reason": reason});
            let path = format!("{}/approve", path_of(record));
            let done = expect(
                api.call(Method::POST, &path, Some(&body)).await,
                &format!("approve {}", record.number()),
                audience,
            )?;
            Ok(announce(
                &done.body,
                format!("{} approved by {user}", record.number()),
                audience,
            ))
        }
        Command::Reject { record, reason } => {
            only(record, &[RecordKind::Request], "reject")?;
            let body = json!({"reason": reason});
            let path = format!("{}/reject", path_of(record));
            let done = expect(
                api.call(Method::POST, &path, Some(&body)).await,
                &format!("reject {}", record.number()),
                audience,
            )?;
            Ok(announce(
                &done.body,
                format!("{} rejected by {user}: {reason}", record.number()),
                audience,
            ))
        }
    }
}

/// The button actions and the commands they stand for.
pub const ASSIGN_TO_ME: &str = "itsm_assign_me";
pub const APPROVE: &str = "itsm_approve";

/// The command a button click stands for, on the record it carries.
pub fn command_for_button(action: &str, record: &str) -> Result<Command, String> {
    let record = RecordRef::parse(record)?;
    match action {
        ASSIGN_TO_ME => Ok(Command::Assign { record, to: None }),
        APPROVE => Ok(Command::Approve {
            record,
            reason: None,
        }),
        other => Err(format!("`{other}` is not a button of mine")),
    }
}

/// What a shown record offers at a click: taking an open incident or request, approving a
/// request that awaits approval. Whether the clicker may is the process's to decide.
fn buttons(record: RecordRef, shown: &Value) -> Vec<Button> {
    let state = shown["state"].as_str().unwrap_or_default();
    let button = |label, action| Button {
        label,
        action,
        record: record.number(),
    };
    match (record.kind, state) {
        (RecordKind::Incident, "new" | "in_progress" | "on_hold")
        | (RecordKind::Request, "submitted" | "assigned" | "in_progress") => {
            vec![button("Assign to me", ASSIGN_TO_ME)]
        }
        (RecordKind::Request, "awaiting_approval") => vec![button("Approve", APPROVE)],
        _ => Vec::new(),
    }
}

/// A record shown: to the asker alone, its title, key fields and buttons; to a whole channel,
/// only where it stands, and of a security incident nothing.
fn show(record: RecordRef, shown: &Value, audience: Audience) -> Reply {
    let number = record.number();
    match audience {
        Audience::Asker => Reply::private(format!("{number}: {}", title_of(shown)))
            .with_facts(facts(shown))
            .with_buttons(buttons(record, shown)),
        Audience::Channel if is_security(shown) => {
            Reply::public(format!("{number} cannot be shown in a channel."))
        }
        Audience::Channel => Reply::public(number)
            .with_facts(
                facts(shown)
                    .into_iter()
                    .filter(|(name, _)| name != CUSTOMER)
                    .collect(),
            )
            .with_lines(vec![
                "Its title and customer are left out: everyone in the channel sees this answer."
                    .to_owned(),
            ]),
    }
}

fn is_security(record: &Value) -> bool {
    record["security"] == Value::Bool(true)
}

/// A change told to the channel: who did what to which record, in the words the person typed,
/// never the record's own contents (the channel may hold people the record is not for). A
/// security incident's change is told only to the one who made it, or, where every answer
/// reaches the channel, only as done.
fn announce(record: &Value, headline: String, audience: Audience) -> Reply {
    match (is_security(record), audience) {
        (true, Audience::Asker) => Reply::private(headline).with_facts(facts(record)),
        // The one who asked knows what they did; the channel hears nothing of the record.
        (true, Audience::Channel) => Reply::public("Done."),
        (false, _) => Reply::public(headline),
    }
}

/// The lists `mine` reads, each narrowed to open states by the process itself, so nothing
/// older than a page is missed.
fn my_lists(user: &str) -> [(&'static str, Vec<String>); 3] {
    let incidents = ["new", "in_progress", "on_hold"]
        .map(|state| format!("/api/v1/incidents?assignee={user}&state={state}&limit=100"));
    let requests = ["submitted", "assigned", "in_progress"]
        .map(|state| format!("/api/v1/requests?assignee=me&state={state}&limit=100"));
    [
        ("Incidents assigned to you", incidents.to_vec()),
        ("Requests assigned to you", requests.to_vec()),
        (
            "Requests awaiting your approval",
            vec!["/api/v1/requests?approver=me&state=awaiting_approval&limit=100".to_owned()],
        ),
    ]
}

/// Open incidents and requests assigned to the user, and requests awaiting their approval;
/// titled only where the user alone reads the list.
async fn mine(api: &impl ProcessApi, user: &str, audience: Audience) -> Result<Reply, Reply> {
    let mut lines = Vec::new();
    for (heading, paths) in my_lists(user) {
        let mut open: Vec<Value> = Vec::new();
        let mut more = false;
        for path in paths {
            let page = expect(
                api.call(Method::GET, &path, None).await,
                "list your work",
                audience,
            )?;
            let items = page.body["items"].as_array().into_iter().flatten();
            // A channel is not told which security incidents exist.
            open.extend(
                items
                    .filter(|item| audience == Audience::Asker || !is_security(item))
                    .cloned(),
            );
            more |= !page.body["next_cursor"].is_null();
        }
        if open.is_empty() {
            continue;
        }
        let count = if more {
            format!("{}+", open.len())
        } else {
            open.len().to_string()
        };
        lines.push(format!("{heading} ({count}):"));
        for item in open.iter().take(LISTED) {
            let title = match audience {
                Audience::Asker => title_of(item),
                Audience::Channel => String::new(),
            };
            let line = format!(
                "• {} [{}] {title}",
                text_of(&item["number"]),
                text_of(&item["state"])
            );
            lines.push(line.trim_end().to_owned());
        }
        if open.len() > LISTED {
            lines.push(format!("  … and {} more", open.len() - LISTED));
        }
    }
    if lines.is_empty() {
        return Ok(Reply::private(
            "Nothing open is assigned to you or awaits your approval.",
        ));
    }
    Ok(Reply::private(format!("Your open work, {user}:")).with_lines(lines))
}

fn path_of(record: RecordRef) -> String {
    let collection = match record.kind {
        RecordKind::Request => "requests",
        RecordKind::Problem => "problems",
        _ => "incidents",
    };
    format!("/api/v1/{collection}/{}", record.number())
}

fn only(record: RecordRef, kinds: &[RecordKind], what: &str) -> Result<(), Reply> {
    if kinds.contains(&record.kind) {
        return Ok(());
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.noun()).collect();
    Err(Reply::private(format!(
        "{what} works for {} here; {} is {}",
        names.join(" or "),
        record.number(),
        record.kind.noun()
    )))
}

/// The answer when the call went through and the process agreed; else why not, for the chat.
/// A channel is not told why access was refused: the process's words may name the customer or
/// show that a record is a security incident.
fn expect(answer: Result<Answer, String>, what: &str, audience: Audience) -> Result<Answer, Reply> {
    let why = match answer {
        Ok(answer) if answer.ok() => return Ok(answer),
        Ok(answer) => match (audience, answer.status) {
            (Audience::Channel, 403) => "you may not do that".to_owned(),
            (Audience::Channel, 404) => {
                "there is no such record, or not one you may see".to_owned()
            }
            _ => answer.detail(),
        },
        Err(error) => error,
    };
    Err(Reply::private(format!("Could not {what}: {why}")))
}

/// A record's title, for a line naming it.
fn title_of(record: &Value) -> String {
    record_title(record).unwrap_or_default().to_owned()
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

const CUSTOMER: &str = "Customer";

/// The fields worth a glance, in a fixed order, those present only.
fn facts(record: &Value) -> Vec<(String, String)> {
    [
        ("State", "state"),
        ("Priority", "priority"),
        ("Assignee", "assignee"),
        ("Group", "assignment_group"),
        (CUSTOMER, "customer"),
        ("Service", "service"),
    ]
    .iter()
    .filter_map(|(name, field)| {
        record[field]
            .as_str()
            .map(|value| ((*name).to_owned(), value.to_owned()))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Answers calls from a script and keeps what was asked.
    struct Scripted {
        answers: Mutex<Vec<Answer>>,
        calls: Mutex<Vec<(Method, String, Option<Value>)>>,
    }

    impl Scripted {
        fn new(answers: Vec<(u16, Value)>) -> Self {
            Self {
                answers: Mutex::new(
                    answers
                        .into_iter()
                        .map(|(status, body)| Answer { status, body })
                        .collect(),
                ),
                calls: Mutex::default(),
            }
        }

        fn calls(&self) -> Vec<(Method, String, Option<Value>)> {
            self.calls.lock().expect("calls").clone()
        }
    }

    impl ProcessApi for Scripted {
        async fn call(
            &self,
            method: Method,
            path: &str,
            body: Option<&Value>,
        ) -> Result<Answer, String> {
            self.calls
                .lock()
                .expect("calls")
                .push((method, path.to_owned(), body.cloned()));
            Ok(self.answers.lock().expect("answers").remove(0))
        }
    }

    fn inc(id: i64) -> RecordRef {
        RecordRef {
            kind: RecordKind::Incident,
            id,
        }
    }

    #[tokio::test]
    async fn new_logs_an_incident_as_the_user_on_the_chat_channel() {
        let api = Scripted::new(vec![(
            201,
            json!({"number": "INC0000009", "state": "new", "priority": "moderate"}),
        )]);
        let reply = run(
            &api,
            "ann",
            Command::New {
                text: "VPN drops".to_owned(),
            },
            Audience::Asker,
        )
        .await;
        assert!(reply.public);
        assert_eq!(reply.headline, "INC0000009 logged by ann: VPN drops");
        assert!(
            reply.facts.is_empty(),
            "the channel hears only what ann typed"
        );
        let calls = api.calls();
        assert_eq!(
            (calls[0].0.clone(), calls[0].1.as_str()),
            (Method::POST, "/api/v1/incidents")
        );
        let body = calls[0].2.clone().expect("body");
        assert_eq!(
            (body["caller"].clone(), body["channel"].clone()),
            (json!("ann"), json!("chat"))
        );
    }

    #[tokio::test]
    async fn refusals_come_back_in_the_processs_words_privately() {
        let api = Scripted::new(vec![(
            403,
            json!({"detail": "this needs the authority incident.write"}),
        )]);
        let reply = run(
            &api,
            "cy",
            Command::Assign {
                record: inc(4),
                to: None,
            },
            Audience::Asker,
        )
        .await;
        assert!(!reply.public);
        assert_eq!(
            reply.headline,
            "Could not assign INC0000004: this needs the authority incident.write"
        );
        assert_eq!(api.calls()[0].2, Some(json!({"assignee": "cy"})));
        let nothing = Scripted::new(Vec::new());
        let problem = RecordRef {
            kind: RecordKind::Problem,
            id: 1,
        };
        let refused = run(
            &nothing,
            "cy",
            Command::Approve {
                record: problem,
                reason: None,
            },
            Audience::Asker,
        )
        .await;
        assert!(
            refused
                .headline
                .starts_with("approve works for a service request here"),
            "{}",
            refused.headline
        );
        assert!(
            nothing.calls().is_empty(),
            "nothing was asked of any process"
        );
    }

    #[tokio::test]
    async fn mine_asks_each_list_for_open_states_only() {
        let empty = || (200, json!({"items": [], "next_cursor": null}));
        let api = Scripted::new(vec![
            empty(),
            (
                200,
                json!({"items": [{"number": "INC0000001", "state": "in_progress", "short_description": "Mail down"}],
                       "next_cursor": "abc"}),
            ),
            empty(),
            empty(),
            empty(),
            empty(),
            (
                200,
                json!({"items": [{"number": "REQ0000003", "state": "awaiting_approval", "item_name": {"en": "Laptop"}}],
                       "next_cursor": null}),
            ),
        ]);
        let reply = run(&api, "ann", Command::Mine, Audience::Asker).await;
        assert_eq!(
            reply.lines,
            [
                "Incidents assigned to you (1+):",
                "• INC0000001 [in_progress] Mail down",
                "Requests awaiting your approval (1):",
                "• REQ0000003 [awaiting_approval] Laptop",
            ]
        );
        let paths: Vec<String> = api.calls().into_iter().map(|c| c.1).collect();
        assert_eq!(
            paths[0],
            "/api/v1/incidents?assignee=ann&state=new&limit=100"
        );
        assert_eq!(paths.len(), 7);
    }

    #[tokio::test]
    async fn the_channel_hears_who_did_what_but_not_what_a_record_says() {
        let api = Scripted::new(vec![
            (
                200,
                json!({"number": "INC0000004", "short_description": "Payroll export for acme", "customer": "acme"}),
            ),
            (
                200,
                json!({"number": "INC0000005", "short_description": "Phishing", "security": true, "state": "new"}),
            ),
        ]);
        let public = run(
            &api,
            "ann",
            Command::Assign {
                record: inc(4),
                to: Some("bob".to_owned()),
            },
            Audience::Asker,
        )
        .await;
        assert!(public.public);
        assert_eq!(public.headline, "INC0000004 assigned to bob by ann");
        assert!(public.facts.is_empty());
        let secret = run(
            &api,
            "ann",
            Command::Assign {
                record: inc(5),
                to: None,
            },
            Audience::Asker,
        )
        .await;
        assert!(
            !secret.public,
            "a security incident's change is told only to its author"
        );
    }

    #[tokio::test]
    async fn shown_records_offer_what_their_state_allows_and_buttons_read_back() {
        let api = Scripted::new(vec![
            (
                200,
                json!({"number": "INC0000004", "state": "new", "short_description": "Mail"}),
            ),
            (
                200,
                json!({"number": "INC0000004", "state": "resolved", "short_description": "Mail"}),
            ),
        ]);
        let open = run(
            &api,
            "ann",
            Command::Show { record: inc(4) },
            Audience::Asker,
        )
        .await;
        assert_eq!(open.buttons[0].action, ASSIGN_TO_ME);
        assert_eq!(open.buttons[0].record, "INC0000004");
        let done = run(
            &api,
            "ann",
            Command::Show { record: inc(4) },
            Audience::Asker,
        )
        .await;
        assert!(done.buttons.is_empty());
        assert_eq!(
            command_for_button(ASSIGN_TO_ME, "INC0000004"),
            Ok(Command::Assign {
                record: inc(4),
                to: None
            })
        );
        assert!(command_for_button("itsm_delete", "INC0000004").is_err());
        assert!(command_for_button(APPROVE, "nonsense").is_err());
    }

    #[tokio::test]
    async fn resolving_a_request_fulfils_it() {
        let api = Scripted::new(vec![(
            200,
            json!({"number": "REQ0000003", "state": "fulfilled"}),
        )]);
        let request = RecordRef {
            kind: RecordKind::Request,
            id: 3,
        };
        run(
            &api,
            "ann",
            Command::Resolve {
                record: request,
                notes: "Delivered".to_owned(),
            },
            Audience::Asker,
        )
        .await;
        assert_eq!(api.calls()[0].1, "/api/v1/requests/REQ0000003/fulfil");
    }

    #[tokio::test]
    async fn a_channel_that_reads_every_answer_sees_where_records_stand_but_not_what_they_say() {
        let api = Scripted::new(vec![
            (
                200,
                json!({"number": "INC0000004", "state": "new", "priority": "high",
                       "short_description": "Payroll export for acme", "customer": "acme"}),
            ),
            (
                200,
                json!({"number": "INC0000005", "state": "new", "short_description": "Phishing",
                       "security": true}),
            ),
            (
                200,
                json!({"number": "INC0000005", "short_description": "Phishing", "security": true}),
            ),
        ]);
        let shown = run(
            &api,
            "ann",
            Command::Show { record: inc(4) },
            Audience::Channel,
        )
        .await;
        let said = format!("{shown:?}");
        assert_eq!(shown.headline, "INC0000004");
        assert!(
            !said.contains("Payroll") && !said.contains("acme"),
            "{said}"
        );
        assert!(
            shown
                .facts
                .contains(&("Priority".to_owned(), "high".to_owned()))
        );
        assert!(shown.buttons.is_empty());
        let secret = run(
            &api,
            "ann",
            Command::Show { record: inc(5) },
            Audience::Channel,
        )
        .await;
        assert_eq!(secret.headline, "INC0000005 cannot be shown in a channel.");
        assert!(secret.facts.is_empty() && secret.lines.is_empty());
        let assigned = run(
            &api,
            "ann",
            Command::Assign {
                record: inc(5),
                to: None,
            },
            Audience::Channel,
        )
        .await;
        assert_eq!(
            assigned.headline, "Done.",
            "nothing of a security incident, not even its number"
        );
        let api = Scripted::new(vec![
            (
                200,
                json!({"items": [{"number": "INC0000004", "state": "new",
                                    "short_description": "Payroll export for acme"},
                                   {"number": "INC0000005", "state": "new", "security": true,
                                    "short_description": "Phishing"}],
                         "next_cursor": null}),
            ),
            (200, json!({"items": [], "next_cursor": null})),
            (200, json!({"items": [], "next_cursor": null})),
            (200, json!({"items": [], "next_cursor": null})),
            (200, json!({"items": [], "next_cursor": null})),
            (200, json!({"items": [], "next_cursor": null})),
            (200, json!({"items": [], "next_cursor": null})),
        ]);
        let mine = run(&api, "ann", Command::Mine, Audience::Channel).await;
        assert_eq!(
            mine.lines,
            ["Incidents assigned to you (1):", "• INC0000004 [new]"],
            "no security incident listed"
        );
        let refused = Scripted::new(vec![(
            403,
            json!({"detail": "this needs the authority incident.write for customer:acme"}),
        )]);
        let reply = run(
            &refused,
            "ann",
            Command::Resolve {
                record: inc(4),
                notes: "x".to_owned(),
            },
            Audience::Channel,
        )
        .await;
        assert_eq!(
            reply.headline,
            "Could not resolve INC0000004: you may not do that"
        );
    }
}
