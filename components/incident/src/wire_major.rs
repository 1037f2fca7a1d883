//! The JSON shapes of major incidents and links, parsed into checked values at the edge.

use itsm_domain::incident::{Audience, SolutionEffectiveness};
use itsm_domain::link::{Relation, TargetKind};
use itsm_domain::{CommentBody, Description, FieldErrors, Label, Reason, check};
use schemars::JsonSchema;
use serde::Deserialize;

/// The most people an emergency team names; more is a mailing list, not a team.
const TEAM_LIMIT: usize = 50;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareMajorRequest {
    /// Why this is a major incident.
    #[schemars(with = "Reason")]
    pub reason: String,
    /// The users of the emergency response team (at least one).
    pub emergency_team: Vec<String>,
    /// The emergency response plan being followed, if one applies.
    #[serde(default)]
    #[schemars(with = "Option<Label>")]
    pub response_plan: Option<String>,
}

pub struct Declaration {
    pub reason: Reason,
    pub emergency_team: Vec<String>,
    pub response_plan: Option<String>,
}

impl DeclareMajorRequest {
    pub fn parse(self) -> Result<Declaration, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = check(&mut e, "reason", Reason::parse(&self.reason));
        let team = check(&mut e, "emergency_team", parse_team(self.emergency_team));
        let plan = self
            .response_plan
            .and_then(|p| check(&mut e, "response_plan", Label::parse(&p)));
        match (reason, team) {
            (Some(reason), Some(emergency_team)) if e.is_empty() => Ok(Declaration {
                reason,
                emergency_team,
                response_plan: plan.map(Label::into_string),
            }),
            _ => Err(e),
        }
    }
}

/// `PATCH` of a major incident: absent fields stay, `response_plan: null` clears the plan.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMajorRequest {
    #[serde(default)]
    pub emergency_team: Option<Vec<String>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Option<Label>>")]
    pub response_plan: Option<Option<String>>,
}

pub struct MajorChanges {
    pub emergency_team: Option<Vec<String>>,
    pub response_plan: Option<Option<String>>,
}

impl UpdateMajorRequest {
    pub fn parse(self) -> Result<MajorChanges, FieldErrors> {
        let mut e = FieldErrors::new();
        let emergency_team = self
            .emergency_team
            .and_then(|team| check(&mut e, "emergency_team", parse_team(team)));
        let response_plan = match self.response_plan {
            None => None,
            Some(None) => Some(None),
            Some(Some(p)) => {
                check(&mut e, "response_plan", Label::parse(&p)).map(|l| Some(l.into_string()))
            }
        };
        e.finish(MajorChanges {
            emergency_team,
            response_plan,
        })
    }
}

/// Team members as given, checked for shape; whether they are active users is the store's to say.
fn parse_team(team: Vec<String>) -> Result<Vec<String>, String> {
    if team.is_empty() {
        return Err("name at least one member of the emergency response team".to_owned());
    }
    if team.len() > TEAM_LIMIT {
        return Err(format!("names at most {TEAM_LIMIT} people"));
    }
    let mut members: Vec<String> = Vec::with_capacity(team.len());
    for name in team {
        let name = itsm_domain::parse_code(&name).map_err(|m| format!("{name:?} {m}"))?;
        if members.contains(&name) {
            return Err(format!("names {name} twice"));
        }
        members.push(name);
    }
    Ok(members)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schemars(with = "Reason")]
    pub reason: String,
}

impl ReasonRequest {
    pub fn parse(self) -> Result<Reason, FieldErrors> {
        let mut e = FieldErrors::new();
        let reason = check(&mut e, "reason", Reason::parse(&self.reason));
        match reason {
            Some(reason) if e.is_empty() => Ok(reason),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// The cause found.
    #[schemars(with = "Description")]
    pub cause: String,
    #[schemars(with = "SolutionEffectiveness")]
    pub solution_effectiveness: String,
    /// What to keep or change next time.
    #[serde(default)]
    #[schemars(with = "Option<Description>")]
    pub lessons: Option<String>,
}

pub struct Review {
    pub cause: Description,
    pub solution_effectiveness: SolutionEffectiveness,
    pub lessons: Option<Description>,
}

impl ReviewRequest {
    pub fn parse(self) -> Result<Review, FieldErrors> {
        let mut e = FieldErrors::new();
        let cause = check(&mut e, "cause", Description::parse(&self.cause));
        let verdict = check(
            &mut e,
            "solution_effectiveness",
            SolutionEffectiveness::parse(&self.solution_effectiveness),
        );
        let lessons = self
            .lessons
            .and_then(|l| check(&mut e, "lessons", Description::parse(&l)));
        match (cause, verdict) {
            (Some(cause), Some(solution_effectiveness)) if e.is_empty() => Ok(Review {
                cause,
                solution_effectiveness,
                lessons,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunicationRequest {
    #[schemars(with = "Audience")]
    pub audience: String,
    /// How it was sent: e-mail, status page, chat, call, meeting, …
    #[schemars(with = "Label")]
    pub channel: String,
    #[schemars(with = "CommentBody")]
    pub body: String,
}

pub struct NewCommunication {
    pub audience: Audience,
    pub channel: Label,
    pub body: CommentBody,
}

impl CommunicationRequest {
    pub fn parse(self) -> Result<NewCommunication, FieldErrors> {
        let mut e = FieldErrors::new();
        let audience = check(&mut e, "audience", Audience::parse(&self.audience));
        let channel = check(&mut e, "channel", Label::parse(&self.channel));
        let body = check(&mut e, "body", CommentBody::parse(&self.body));
        match (audience, channel, body) {
            (Some(audience), Some(channel), Some(body)) if e.is_empty() => Ok(NewCommunication {
                audience,
                channel,
                body,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// Read "this incident <relation> <target>".
    #[schemars(with = "Relation")]
    pub relation: String,
    #[schemars(with = "TargetKind")]
    pub target_kind: String,
    /// A record number (INC0000042, CHG0000007), a service code or a configuration item name.
    #[schemars(with = "Label")]
    pub target: String,
}

pub struct NewLink {
    pub relation: Relation,
    pub target_kind: TargetKind,
    /// Record numbers in their canonical form, so one record is always written the same way.
    pub target: String,
}

impl LinkRequest {
    pub fn parse(self) -> Result<NewLink, FieldErrors> {
        let mut e = FieldErrors::new();
        let relation = check(&mut e, "relation", Relation::parse(&self.relation));
        let kind = check(&mut e, "target_kind", TargetKind::parse(&self.target_kind));
        if let (Some(relation), Some(kind)) = (relation, kind) {
            check(&mut e, "target_kind", relation.check_incident_target(kind));
        }
        let target =
            kind.and_then(|kind| check(&mut e, "target", parse_target(kind, &self.target)));
        match (relation, kind, target) {
            (Some(relation), Some(target_kind), Some(target)) if e.is_empty() => Ok(NewLink {
                relation,
                target_kind,
                target,
            }),
            _ => Err(e),
        }
    }
}

fn parse_target(kind: TargetKind, text: &str) -> Result<String, String> {
    match kind.record_kind() {
        Some(record) => record
            .parse_ref(text)
            .map(|id| record.number_text(id))
            .map_err(|_| format!("must be a number such as {}", record.number_text(42))),
        None if kind == TargetKind::Service => itsm_domain::parse_code(text),
        None => Label::parse(text).map(Label::into_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(relation: &str, kind: &str, target: &str) -> Result<NewLink, FieldErrors> {
        LinkRequest {
            relation: relation.to_owned(),
            target_kind: kind.to_owned(),
            target: target.to_owned(),
        }
        .parse()
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn link_targets_are_written_in_one_canonical_form() {
        let parsed = link("duplicate_of", "incident", "inc42").expect("valid");
        assert_eq!(parsed.target, "INC0000042");
        let parsed = link("caused_by", "change", "CHG0000007").expect("valid");
        assert_eq!(parsed.target, "CHG0000007");
        assert_eq!(
            link("affects", "service", "email").expect("valid").target,
            "email"
        );
    }

    #[test]
    fn bad_links_name_each_bad_field() {
        assert_eq!(
            fields(link("duplicate_of", "change", "CHG1").err().expect("bad")),
            ["target_kind"]
        );
        assert_eq!(
            fields(link("owns", "incident", "INC1").err().expect("bad")),
            ["relation"]
        );
        assert_eq!(
            fields(link("caused_by", "incident", "PRB1").err().expect("bad")),
            ["target"]
        );
        assert_eq!(
            fields(link("affects", "service", "E Mail").err().expect("bad")),
            ["target"]
        );
    }

    #[test]
    fn a_team_is_named_once_each_and_not_empty() {
        assert!(parse_team(vec![]).is_err());
        assert!(parse_team(vec!["mia".into(), "mia".into()]).is_err());
        assert!(parse_team(vec!["Mia".into()]).is_err());
        assert_eq!(
            parse_team(vec!["mia".into(), "ola".into()]),
            Ok(vec!["mia".to_owned(), "ola".to_owned()])
        );
    }
}
