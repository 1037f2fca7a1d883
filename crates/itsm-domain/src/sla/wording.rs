//! Durations as the explanations say them: "2 h 30 min", so a figure reads the same in every
//! answer and sentence.

/// Whole minutes in hours and minutes: "45 min", "2 h", "2 h 30 min"; a negative amount gets a
/// minus sign.
pub fn minutes_text(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    match (m / 60, m % 60) {
        (0, m) => format!("{sign}{m} min"),
        (h, 0) => format!("{sign}{h} h"),
        (h, m) => format!("{sign}{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::minutes_text;

    #[test]
    fn minutes_read_as_hours_and_minutes() {
        assert_eq!(minutes_text(0), "0 min");
        assert_eq!(minutes_text(45), "45 min");
        assert_eq!(minutes_text(120), "2 h");
        assert_eq!(minutes_text(150), "2 h 30 min");
        assert_eq!(minutes_text(-65), "-1 h 5 min");
    }
}
