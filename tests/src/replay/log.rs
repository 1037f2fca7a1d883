//! Reading the incident event log (UCI "Incident management process enriched event log", Amaral,
//! Fantinato and Peres, DOI 10.24432/C57S4H, CC BY 4.0) straight from its zip: one [`Event`] per
//! row, rows that do not parse set aside with the reason, never a panic.

use std::io::Read;
use std::path::Path;

/// The log's states (`ident_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogState {
    New,
    Active,
    AwaitingUserInfo,
    AwaitingVendor,
    AwaitingProblem,
    AwaitingEvidence,
    Resolved,
    Closed,
}

impl LogState {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(match text {
            "New" => Self::New,
            "Active" => Self::Active,
            "Awaiting User Info" => Self::AwaitingUserInfo,
            "Awaiting Vendor" => Self::AwaitingVendor,
            "Awaiting Problem" => Self::AwaitingProblem,
            "Awaiting Evidence" => Self::AwaitingEvidence,
            "Resolved" => Self::Resolved,
            "Closed" => Self::Closed,
            other => return Err(format!("unknown state {other:?}")),
        })
    }
}

/// One row: an update of one incident as the source system recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub number: String,
    pub state: LogState,
    pub reassignment_count: u32,
    pub reopen_count: u32,
    pub sys_mod_count: u32,
    pub caller: Option<String>,
    /// `(year, month, day, hour, minute)`, sortable.
    pub opened_at: (u16, u8, u8, u8, u8),
    pub updated_at: (u16, u8, u8, u8, u8),
    pub contact_type: String,
    pub category: Option<String>,
    /// 1 (high) to 3 (low).
    pub impact: u8,
    pub urgency: u8,
    /// 1 (critical) to 4 (low).
    pub priority: u8,
    pub assignment_group: Option<String>,
    pub assigned_to: Option<String>,
    pub closed_code: Option<String>,
}

/// A row set aside, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

/// The rows read, and those that could not be.
#[derive(Debug, Default)]
pub struct Log {
    pub events: Vec<Event>,
    pub rejected: Vec<Rejected>,
}

/// Reads the CSV inside the zip at `path`.
pub fn read_zip(path: &Path) -> Result<Log, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let name = entry
            .name()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .into_owned();
        if name.ends_with(".csv") {
            entry
                .read_to_string(&mut text)
                .map_err(|e| format!("{name}: {e}"))?;
            return read_csv(&text);
        }
    }
    Err(format!("{}: no CSV inside", path.display()))
}

/// Reads the CSV text: the header names the columns (it repeats `category`; the first is used).
pub fn read_csv(text: &str) -> Result<Log, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("the log has no column {name}"))
    };
    let columns = Columns {
        number: column("number")?,
        state: column("ident_state")?,
        reassignment: column("reassignment_count")?,
        reopen: column("reopen_count")?,
        mods: column("sys_mod_count")?,
        caller: column("caller_id")?,
        opened: column("opened_at")?,
        updated: column("sys_updated_at")?,
        contact: column("contact_type")?,
        category: column("category")?,
        impact: column("impact")?,
        urgency: column("urgency")?,
        priority: column("priority")?,
        group: column("assignment_group")?,
        assignee: column("assigned_to")?,
        closed_code: column("closed_code")?,
    };
    let mut log = Log::default();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        match record
            .map_err(|e| e.to_string())
            .and_then(|r| columns.event(&r))
        {
            Ok(event) => log.events.push(event),
            Err(reason) => log.rejected.push(Rejected { line, reason }),
        }
    }
    Ok(log)
}

struct Columns {
    number: usize,
    state: usize,
    reassignment: usize,
    reopen: usize,
    mods: usize,
    caller: usize,
    opened: usize,
    updated: usize,
    contact: usize,
    category: usize,
    impact: usize,
    urgency: usize,
    priority: usize,
    group: usize,
    assignee: usize,
    closed_code: usize,
}

impl Columns {
    fn event(&self, record: &csv::StringRecord) -> Result<Event, String> {
        let field = |i: usize| record.get(i).unwrap_or_default().trim();
        let optional = |i: usize| match field(i) {
            "" | "?" => None,
            text => Some(text.to_owned()),
        };
        let count = |i: usize, name: &str| {
            field(i)
                .parse::<u32>()
                .map_err(|_| format!("{name} {:?} is not a count", field(i)))
        };
        let level = |i: usize, name: &str, max: u8| match field(i).parse::<u8>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("{name} {:?} is not 1 to {max}", field(i))),
        };
        Ok(Event {
            number: field(self.number).to_owned(),
            state: LogState::parse(field(self.state))?,
            reassignment_count: count(self.reassignment, "reassignment_count")?,
            reopen_count: count(self.reopen, "reopen_count")?,
            sys_mod_count: count(self.mods, "sys_mod_count")?,
            caller: optional(self.caller),
            opened_at: instant(field(self.opened))?,
            updated_at: instant(field(self.updated))?,
            contact_type: field(self.contact).to_owned(),
            category: optional(self.category),
            impact: level(self.impact, "impact", 3)?,
            urgency: level(self.urgency, "urgency", 3)?,
            priority: level(self.priority, "priority", 4)?,
            assignment_group: optional(self.group),
            assigned_to: optional(self.assignee),
            closed_code: optional(self.closed_code),
        })
    }
}

/// `D/M/YYYY HH:MM` as a sortable tuple.
fn instant(text: &str) -> Result<(u16, u8, u8, u8, u8), String> {
    let bad = || format!("{text:?} is not a D/M/YYYY HH:MM time");
    let (date, time) = text.split_once(' ').ok_or_else(bad)?;
    let mut d = date.split('/');
    let mut t = time.split(':');
    let next = |part: Option<&str>| part.and_then(|p| p.parse::<u16>().ok()).ok_or_else(bad);
    let (day, month, year) = (next(d.next())?, next(d.next())?, next(d.next())?);
    let (hour, minute) = (next(t.next())?, next(t.next())?);
    let small = |n: u16| u8::try_from(n).map_err(|_| bad());
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) || hour > 23 || minute > 59 {
        return Err(bad());
    }
    Ok((
        year,
        small(month)?,
        small(day)?,
        small(hour)?,
        small(minute)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "number,ident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,category,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at";

    #[test]
    fn rows_become_events_and_bad_rows_are_set_aside_with_a_reason() {
        let text = format!(
            "{HEADER}\n\
             0000045,New,true,0,0,0,true,2403,8,29/2/2016 01:16,6,29/2/2016 01:23,21,29/2/2016 01:23,Phone,143,55,170,72,?,2,2,3,56,?,true,false,Do Not Notify,?,?,?,?,5,149,29/2/2016 11:29,5/3/2016 12:00\n\
             0000046,-100,true,0,0,0,true,2403,8,29/2/2016 01:16,6,29/2/2016 01:23,21,29/2/2016 01:23,Phone,143,55,170,72,?,2,2,3,56,?,true,false,Do Not Notify,?,?,?,?,5,149,29/2/2016 11:29,5/3/2016 12:00\n\
             0000047,Active,true,1,0,3,true,2403,8,31/13/2016 01:16,6,29/2/2016 01:23,21,29/2/2016 01:23,Phone,143,55,170,72,?,2,2,3,56,?,true,false,Do Not Notify,?,?,?,?,5,149,29/2/2016 11:29,5/3/2016 12:00\n"
        );
        let log = read_csv(&text).expect("a log");
        assert_eq!(log.events.len(), 1);
        let event = &log.events[0];
        assert_eq!(
            (event.state, event.impact, event.priority, event.opened_at),
            (LogState::New, 2, 3, (2016, 2, 29, 1, 16))
        );
        assert_eq!(event.assignment_group.as_deref(), Some("56"));
        assert_eq!(event.assigned_to, None);
        let reasons: Vec<(u64, &str)> = log
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (3, "unknown state \"-100\""),
                (4, "\"31/13/2016 01:16\" is not a D/M/YYYY HH:MM time")
            ]
        );
    }
}
