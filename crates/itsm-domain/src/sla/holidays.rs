//! Holidays read from an iCalendar file (RFC 5545), as public-holiday calendars are published:
//! each all-day event is a holiday on every date it spans. Anything that cannot be read as whole
//! days (a time of day, a repeat rule, an end before the start) refuses the whole file, naming
//! the event, so an import never stores half of what was sent.

use chrono::NaiveDate;
use icalendar::{Component, DatePerhapsTime};
use thiserror::Error;

/// Dates one file may bring: a decade of any country's public holidays fits many times over.
pub const MAX_IMPORTED_DAYS: usize = 1000;
/// Days one event may span: longer is a season, not a holiday.
const MAX_EVENT_DAYS: i64 = 31;
/// Characters of a holiday's name.
pub const MAX_HOLIDAY_NAME: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HolidayImportError {
    #[error("not an iCalendar file: {0}")]
    Unreadable(String),
    #[error("the file has no events")]
    NoEvents,
    #[error("event {event}: {problem}")]
    Event { event: String, problem: String },
    #[error("the file names more than {MAX_IMPORTED_DAYS} holiday dates")]
    TooMany,
}

/// Every holiday date in `text`, in order, each date once (the first event naming it gives
/// its name). Cancelled events are left out.
pub fn holidays_from_ics(text: &str) -> Result<Vec<Holiday>, HolidayImportError> {
    let unfolded = icalendar::parser::unfold(text);
    let parsed = icalendar::parser::read_calendar(&unfolded)
        .map_err(|message| HolidayImportError::Unreadable(first_lines(&message)))?;
    let calendar: icalendar::Calendar = parsed.into();
    let mut holidays: Vec<Holiday> = Vec::new();
    let mut events = 0;
    for (index, event) in calendar.events().enumerate() {
        events += 1;
        let label = event
            .get_summary()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("#{}", index + 1), |s| format!("{:?}", s));
        let fault = |problem: &str| HolidayImportError::Event {
            event: label.clone(),
            problem: problem.to_owned(),
        };
        if event
            .property_value("STATUS")
            .is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED"))
        {
            continue;
        }
        if event.property_value("RRULE").is_some() || event.property_value("RDATE").is_some() {
            return Err(fault(
                "repeats (RRULE or RDATE); export the calendar with each year's dates instead",
            ));
        }
        let first = match event.get_start() {
            Some(DatePerhapsTime::Date(date)) => date,
            Some(DatePerhapsTime::DateTime(_)) => {
                return Err(fault(
                    "has a time of day; holidays are whole days (DTSTART;VALUE=DATE)",
                ));
            }
            None => return Err(fault("has no readable start date (DTSTART)")),
        };
        let end = match event.get_end() {
            Some(DatePerhapsTime::Date(date)) => date,
            Some(DatePerhapsTime::DateTime(_)) => {
                return Err(fault(
                    "ends at a time of day; holidays are whole days (DTEND;VALUE=DATE)",
                ));
            }
            None if event.property_value("DTEND").is_some() => {
                return Err(fault("has an unreadable end date (DTEND)"));
            }
            None => match event.property_value("DURATION") {
                Some(text) => {
                    let days = whole_days(text).ok_or_else(|| {
                        fault("lasts a DURATION that is not whole days, such as P1D or P1W")
                    })?;
                    first + chrono::Days::new(days)
                }
                // RFC 5545 §3.6.1: an all-day event without an end lasts its start day.
                None => first.succ_opt().unwrap_or(first),
            },
        };
        let days = (end - first).num_days();
        if days < 1 {
            return Err(fault("ends before it starts"));
        }
        if days > MAX_EVENT_DAYS {
            return Err(fault(&format!(
                "lasts {days} days; a holiday lasts at most {MAX_EVENT_DAYS}"
            )));
        }
        let name = event
            .get_summary()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("Holiday");
        if name.chars().count() > MAX_HOLIDAY_NAME {
            return Err(fault(&format!(
                "its name is longer than {MAX_HOLIDAY_NAME} characters"
            )));
        }
        for date in first.iter_days().take(days as usize) {
            if holidays.iter().any(|h| h.date == date) {
                continue;
            }
            if holidays.len() == MAX_IMPORTED_DAYS {
                return Err(HolidayImportError::TooMany);
            }
            holidays.push(Holiday {
                date,
                name: name.to_owned(),
            });
        }
    }
    if events == 0 {
        return Err(HolidayImportError::NoEvents);
    }
    holidays.sort_by_key(|h| h.date);
    Ok(holidays)
}

/// A `DURATION` of whole days or weeks (`P2D`, `P1W`), in days; `None` for anything with a
/// time part, months or years (which are not a fixed number of days), or nothing at all.
fn whole_days(text: &str) -> Option<u64> {
    match iso8601::duration(text.trim()).ok()? {
        iso8601::Duration::YMDHMS {
            year: 0,
            month: 0,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
        } if day > 0 => Some(u64::from(day)),
        iso8601::Duration::Weeks(weeks) if weeks > 0 => Some(u64::from(weeks) * 7),
        _ => None,
    }
}

/// The parser's message, cut to its first lines: it quotes the input, which may be long.
fn first_lines(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .collect();
    let joined = lines.join(" ");
    match joined.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ics(events: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//holidays//EN\r\n{events}END:VCALENDAR\r\n"
        )
    }

    fn event(lines: &str) -> String {
        format!(
            "BEGIN:VEVENT\r\nUID:{}\r\n{lines}END:VEVENT\r\n",
            lines.len()
        )
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("valid")
    }

    #[test]
    fn all_day_events_become_holidays_on_every_date_they_span() {
        let text = ics(&[
            event("DTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\n"),
            event("DTSTART;VALUE=DATE:20260101\r\nSUMMARY:New Year's Day\r\n"),
            event("DTSTART;VALUE=DATE:20261226\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Boxing Day\r\n"),
            event("DTSTART;VALUE=DATE:20260501\r\nSTATUS:CANCELLED\r\nSUMMARY:Moved\r\n"),
        ]
        .concat());
        let holidays = holidays_from_ics(&text).expect("valid");
        assert_eq!(
            holidays,
            [
                Holiday {
                    date: day("2026-01-01"),
                    name: "New Year's Day".to_owned()
                },
                Holiday {
                    date: day("2026-12-25"),
                    name: "Christmas".to_owned()
                },
                Holiday {
                    date: day("2026-12-26"),
                    name: "Christmas".to_owned()
                },
            ]
        );
    }

    #[test]
    fn a_duration_of_whole_days_or_weeks_sets_the_span() {
        let days = |duration: &str| {
            holidays_from_ics(&ics(&event(&format!(
                "DTSTART;VALUE=DATE:20261224\r\nDURATION:{duration}\r\nSUMMARY:Break\r\n"
            ))))
            .expect("read")
            .len()
        };
        assert_eq!(days("P3D"), 3);
        assert_eq!(days("P1W"), 7);
    }

    #[test]
    fn folded_lines_and_chinese_names_are_read() {
        let text = ics(&event(
            "DTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270209\r\nSUMMARY:春節 (Spring\r\n  Festival)\r\n",
        ));
        let holidays = holidays_from_ics(&text).expect("valid");
        assert_eq!(holidays.len(), 3);
        assert_eq!(holidays[0].name, "春節 (Spring Festival)");
    }

    #[test]
    fn what_is_not_a_whole_day_refuses_the_file_naming_the_event() {
        let refused = |lines: &str| {
            holidays_from_ics(&ics(&event(lines)))
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            refused("DTSTART:20261224T120000Z\r\nSUMMARY:Half day\r\n"),
            "event \"Half day\": has a time of day; holidays are whole days (DTSTART;VALUE=DATE)"
        );
        assert!(
            refused("DTSTART;VALUE=DATE:20261225\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Xmas\r\n")
                .contains("repeats")
        );
        assert!(
            refused("DTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261225\r\n")
                .starts_with("event #1: ends before it starts")
        );
        assert!(refused("SUMMARY:No date\r\n").contains("no readable start date"));
        assert!(
            refused("DTSTART;VALUE=DATE:20261224\r\nDURATION:PT4H\r\n").contains("not whole days")
        );
        assert!(
            refused("DTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20260301\r\n")
                .contains("lasts 59 days")
        );
    }

    #[test]
    fn text_that_is_not_icalendar_is_refused() {
        assert!(matches!(
            holidays_from_ics("{\"holidays\": []}"),
            Err(HolidayImportError::Unreadable(_) | HolidayImportError::NoEvents)
        ));
        assert!(matches!(
            holidays_from_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\n"),
            Err(HolidayImportError::Unreadable(_) | HolidayImportError::NoEvents)
        ));
        assert_eq!(
            holidays_from_ics(&ics("")),
            Err(HolidayImportError::NoEvents)
        );
    }

    #[test]
    fn a_file_of_too_many_dates_is_refused() {
        let events: String = (0..40)
            .map(|i| {
                let start = day("2026-01-01") + chrono::Duration::days(i * 31);
                let end = start + chrono::Duration::days(31);
                event(&format!(
                    "DTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}\r\n",
                    start.format("%Y%m%d"),
                    end.format("%Y%m%d")
                ))
            })
            .collect();
        assert_eq!(
            holidays_from_ics(&ics(&events)),
            Err(HolidayImportError::TooMany)
        );
    }
}
