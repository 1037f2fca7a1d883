//! The command language, the same in every chat: `new <what is wrong>`, `show <record>`,
//! `assign <record> [to <user>]`, `resolve <record> <what was done>`, `mine`,
//! `approve <request> [why]`, `reject <request> <why>`, `help`. Words are case-insensitive,
//! record numbers too; a mistake gets a message that says what was expected.

use crate::number::RecordKind;

/// A record named in a command, such as INC0000042.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: i64,
}

impl RecordRef {
    /// Reads `INC0000042`, `inc42`, `REQ7` and the like (incidents, requests, problems).
    pub fn parse(text: &str) -> Result<Self, String> {
        let kinds = [
            RecordKind::Incident,
            RecordKind::Request,
            RecordKind::Problem,
        ];
        let upper = text.to_ascii_uppercase();
        let kind = kinds
            .into_iter()
            .find(|k| upper.starts_with(k.prefix()))
            .ok_or_else(|| {
                format!(
                    "`{text}` is not a record number such as INC0000042, REQ0000007 or PRB0000003"
                )
            })?;
        let id = kind
            .parse_ref(text)
            .map_err(|_| format!("`{text}` is not a record number such as INC0000042"))?;
        Ok(Self { kind, id })
    }

    pub fn number(&self) -> String {
        self.kind.number_text(self.id)
    }
}

/// What was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// Log an incident with this short description.
    New {
        text: String,
    },
    Show {
        record: RecordRef,
    },
    /// Assign to the named user, or to the one asking.
    Assign {
        record: RecordRef,
        to: Option<String>,
    },
    Resolve {
        record: RecordRef,
        notes: String,
    },
    /// What the one asking has open: assigned to them, or awaiting their approval.
    Mine,
    Approve {
        record: RecordRef,
        reason: Option<String>,
    },
    Reject {
        record: RecordRef,
        reason: String,
    },
}

/// What the commands are, for `help` and for every mistake.
pub const COMMAND_HELP: &str = "new <what is wrong> · show <record> · assign <record> [to <user>] · resolve <record> <what was done> · mine · approve <request> [why] · reject <request> <why> · help";

/// The longest text a chat command may carry (Slack allows 4,000 characters).
const MAX_TEXT: usize = 4000;

/// Reads a command's text (what follows `/itsm`, or the message to the bot).
pub fn parse_command(text: &str) -> Result<Command, String> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(format!("a command is at most {MAX_TEXT} characters"));
    }
    let (word, rest) = split_word(text);
    let record = |rest: &str| -> Result<(RecordRef, String), String> {
        let (first, after) = split_word(rest);
        if first.is_empty() {
            return Err("name the record, such as INC0000042".to_owned());
        }
        Ok((RecordRef::parse(first)?, after.to_owned()))
    };
    match word.to_ascii_lowercase().as_str() {
        "" | "help" | "?" => Ok(Command::Help),
        "new" | "report" | "incident" => {
            if rest.is_empty() {
                Err("say what is wrong: new <what is wrong>".to_owned())
            } else {
                Ok(Command::New {
                    text: rest.to_owned(),
                })
            }
        }
        "show" | "get" => {
            let (record, extra) = record(rest)?;
            no_more(&extra, "show <record>")?;
            Ok(Command::Show { record })
        }
        "assign" => {
            let (record, after) = record(rest)?;
            let (first, second) = split_word(&after);
            let said_to = first.eq_ignore_ascii_case("to");
            let named = if said_to { second } else { after.as_str() };
            let (user, extra) = split_word(named);
            no_more(extra, "assign <record> [to <user>]")?;
            let user = user.trim_start_matches('@');
            if said_to && user.is_empty() {
                return Err("say to whom: assign <record> to <user>".to_owned());
            }
            Ok(Command::Assign {
                record,
                to: (!user.is_empty() && !user.eq_ignore_ascii_case("me"))
                    .then(|| user.to_ascii_lowercase()),
            })
        }
        "resolve" | "fix" => {
            let (record, notes) = record(rest)?;
            if notes.is_empty() {
                return Err("say what was done: resolve <record> <what was done>".to_owned());
            }
            Ok(Command::Resolve { record, notes })
        }
        "mine" | "my" | "list" => {
            no_more(rest, "mine")?;
            Ok(Command::Mine)
        }
        "approve" => {
            let (record, reason) = record(rest)?;
            Ok(Command::Approve {
                record,
                reason: (!reason.is_empty()).then_some(reason),
            })
        }
        "reject" => {
            let (record, reason) = record(rest)?;
            if reason.is_empty() {
                return Err("say why: reject <request> <why>".to_owned());
            }
            Ok(Command::Reject { record, reason })
        }
        other => Err(format!("`{other}` is not a command I know")),
    }
}

fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (text, ""),
    }
}

fn no_more(extra: &str, usage: &str) -> Result<(), String> {
    if extra.trim().is_empty() {
        Ok(())
    } else {
        Err(format!("unexpected `{}`: {usage}", extra.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc(id: i64) -> RecordRef {
        RecordRef {
            kind: RecordKind::Incident,
            id,
        }
    }

    #[test]
    fn each_command_reads_as_written() {
        assert_eq!(parse_command(""), Ok(Command::Help));
        assert_eq!(parse_command(" HELP "), Ok(Command::Help));
        assert_eq!(
            parse_command("new Mail is down for the 3rd floor"),
            Ok(Command::New {
                text: "Mail is down for the 3rd floor".to_owned()
            })
        );
        assert_eq!(
            parse_command("show inc0000042"),
            Ok(Command::Show { record: inc(42) })
        );
        assert_eq!(
            parse_command("show INC42"),
            Ok(Command::Show { record: inc(42) })
        );
        assert_eq!(
            parse_command("assign INC0000042"),
            Ok(Command::Assign {
                record: inc(42),
                to: None
            })
        );
        assert_eq!(
            parse_command("assign INC0000042 me"),
            Ok(Command::Assign {
                record: inc(42),
                to: None
            })
        );
        assert_eq!(
            parse_command("assign INC0000042 to @Ann.Lee"),
            Ok(Command::Assign {
                record: inc(42),
                to: Some("ann.lee".to_owned())
            })
        );
        assert_eq!(
            parse_command("resolve INC0000042 Restarted the   mail relay"),
            Ok(Command::Resolve {
                record: inc(42),
                notes: "Restarted the   mail relay".to_owned()
            })
        );
        assert_eq!(parse_command("mine"), Ok(Command::Mine));
        let request = RecordRef {
            kind: RecordKind::Request,
            id: 7,
        };
        assert_eq!(
            parse_command("approve REQ0000007"),
            Ok(Command::Approve {
                record: request,
                reason: None
            })
        );
        assert_eq!(
            parse_command("reject REQ0000007 Not in this year's budget"),
            Ok(Command::Reject {
                record: request,
                reason: "Not in this year's budget".to_owned()
            })
        );
    }

    #[test]
    fn mistakes_say_what_was_expected() {
        for (text, expected) in [
            ("new", "say what is wrong"),
            ("show", "name the record"),
            ("show CHG0000001", "not a record number"),
            ("show INC0000042 now", "unexpected `now`"),
            ("resolve INC0000042", "say what was done"),
            ("reject REQ0000007", "say why"),
            ("assign INC1 to ann bob", "unexpected `bob`"),
            ("assign INC1 to", "say to whom"),
            ("assign INC1 to @", "say to whom"),
            ("delete INC1", "`delete` is not a command"),
            ("show INCabc", "not a record number"),
        ] {
            let error = parse_command(text).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
        assert!(parse_command(&"x".repeat(4001)).is_err());
    }
}
