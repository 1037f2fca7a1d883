//! The responsibility matrix (role × process × authority) that ISO/IEC 20000-1 §5.3 guidance
//! asks organisations to publish, derived from the authority table, as rows and as CSV.

use super::authority::AUTHORITIES;
use super::process::Process;
use super::role::Role;
use super::scope::ScopeKind;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct MatrixRow {
    pub role: Role,
    /// What the role's grants are scoped to, if anything.
    pub scope: Option<ScopeKind>,
    pub process: Process,
    pub authority: &'static str,
    pub description: &'static str,
    pub source: &'static str,
}

/// One row per authority and holder, in table order.
pub fn responsibility_matrix() -> Vec<MatrixRow> {
    AUTHORITIES
        .iter()
        .flat_map(|a| {
            a.holders.iter().map(move |role| MatrixRow {
                role: *role,
                scope: role.scope_kind(),
                process: a.process,
                authority: a.name,
                description: a.description,
                source: a.source,
            })
        })
        .collect()
}

/// RFC 4180 CSV with a header line and CRLF line ends.
pub fn matrix_csv() -> String {
    let mut out = String::from("role,scope,process,authority,description,source\r\n");
    for row in responsibility_matrix() {
        let fields = [
            row.role.as_str(),
            row.scope.map_or("", ScopeKind::as_str),
            row.process.as_str(),
            row.authority,
            row.description,
            row.source,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_holder_and_a_line_per_row() {
        let rows = responsibility_matrix();
        let holders: usize = AUTHORITIES.iter().map(|a| a.holders.len()).sum();
        assert_eq!(rows.len(), holders);
        let csv = matrix_csv();
        assert!(csv.starts_with("role,scope,process,authority,description,source\r\n"));
        assert_eq!(csv.matches("\r\n").count(), holders + 1);
        assert!(csv.contains("\r\nchange_manager,,change,change.approve,"));
        assert!(csv.contains("\r\nservice_owner,service,change,change.approve,"));
        assert!(csv.contains(
            "\r\nprocess_manager,process,management_system,resource.allocate,\"Allocate people, materials"
        ));
    }

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
