//! Small pieces of SQL text that the list queries of every process build the same way.

/// `WHERE a AND b …` for the conditions given, or nothing when there are none.
pub fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

/// `?, ?, ?` for an `IN (…)` list of `n` values; empty for none, which SQLite reads as an empty
/// list that nothing is in.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_count_the_values() {
        assert_eq!(placeholders(0), "");
        assert_eq!(placeholders(3), "?, ?, ?");
    }

    #[test]
    fn conditions_are_joined_and_none_means_no_where() {
        assert_eq!(where_clause(&[]), "");
        assert_eq!(where_clause(&["a = ?".to_owned()]), "WHERE a = ?");
        assert_eq!(
            where_clause(&["a = ?".to_owned(), "b < ?".to_owned()]),
            "WHERE a = ? AND b < ?"
        );
    }
}
