//! Splits a migration file into single statements, because `spin:sqlite` runs one statement per
//! call. It follows the rules of SQLite's own `sqlite3_complete`: a `;` ends a statement unless it
//! is inside a string, a quoted name, a comment, or the body of a `CREATE TRIGGER … END`.

pub fn split_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut words: Vec<String> = Vec::new(); // the statement's words so far, upper-cased
    let mut word = String::new();
    let mut chars = sql.chars().peekable();

    let finish_word = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(word.to_ascii_uppercase());
            word.clear();
        }
    };

    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' | '[' => {
                finish_word(&mut word, &mut words);
                let close = if c == '[' { ']' } else { c };
                current.push(c);
                for inner in chars.by_ref() {
                    current.push(inner);
                    if inner == close {
                        break;
                    }
                }
                words.push("\u{0}quoted".to_owned());
            }
            '-' if chars.peek() == Some(&'-') => {
                finish_word(&mut word, &mut words);
                for inner in chars.by_ref() {
                    if inner == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                finish_word(&mut word, &mut words);
                chars.next();
                let mut previous = '\0';
                for inner in chars.by_ref() {
                    if previous == '*' && inner == '/' {
                        break;
                    }
                    previous = inner;
                }
                current.push(' ');
            }
            ';' => {
                finish_word(&mut word, &mut words);
                if is_trigger(&words) && words.last().map(String::as_str) != Some("END") {
                    current.push(c);
                    words.push(";".to_owned());
                    continue;
                }
                push_statement(&mut statements, &mut current);
                words.clear();
            }
            c if c.is_alphanumeric() || c == '_' => {
                word.push(c);
                current.push(c);
            }
            c => {
                finish_word(&mut word, &mut words);
                current.push(c);
            }
        }
    }
    push_statement(&mut statements, &mut current);
    statements
}

fn is_trigger(words: &[String]) -> bool {
    let mut it = words.iter().map(String::as_str);
    if it.next() != Some("CREATE") {
        return false;
    }
    match it.next() {
        Some("TEMP" | "TEMPORARY") => it.next() == Some("TRIGGER"),
        Some("TRIGGER") => true,
        _ => false,
    }
}

fn push_statement(statements: &mut Vec<String>, current: &mut String) {
    let statement = current.trim();
    if !statement.is_empty() {
        statements.push(statement.to_owned());
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_semicolons_and_drops_comments() {
        let sql = "-- a comment; with a semicolon\nCREATE TABLE a (x);\n/* b; */ INSERT INTO a VALUES (1);\n";
        assert_eq!(
            split_statements(sql),
            vec!["CREATE TABLE a (x)", "INSERT INTO a VALUES (1)"]
        );
    }

    #[test]
    fn keeps_semicolons_inside_strings_and_quoted_names() {
        let sql = "INSERT INTO a VALUES ('x;y', \"q;\");SELECT 1";
        assert_eq!(
            split_statements(sql),
            vec!["INSERT INTO a VALUES ('x;y', \"q;\")", "SELECT 1"]
        );
    }

    #[test]
    fn keeps_a_trigger_body_whole() {
        let sql = "CREATE TRIGGER IF NOT EXISTS t BEFORE UPDATE ON a BEGIN SELECT RAISE(ABORT, 'no'); SELECT 2; END;\nSELECT 3;";
        let statements = split_statements(sql);
        assert_eq!(statements.len(), 2, "{statements:?}");
        assert!(statements[0].ends_with("END"), "{statements:?}");
        assert_eq!(statements[1], "SELECT 3");
    }

    #[test]
    fn a_comment_only_file_has_no_statements() {
        assert!(split_statements("-- nothing here\n\n/* nor here */").is_empty());
    }
}
