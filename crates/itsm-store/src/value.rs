//! SQL values and result rows, decoded by column name so a reordered SELECT cannot silently
//! shift fields (SDK 7 itself only offers access by index).

use crate::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Integer(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Integer(i64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Integer(i64::from(v))
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Conversion out of a column value; `Err` carries a message, the column is added by [`Row::get`].
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Integer(i) => Ok(*i),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}
impl FromValue for u32 {
    fn from_value(value: &Value) -> Result<Self, String> {
        let i = i64::from_value(value)?;
        u32::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
/// Reals, and integers read as reals (SQLite returns `0.0` computed from integers as either).
impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Real(r) => Ok(*r),
            #[allow(clippy::cast_precision_loss)]
            Value::Integer(i) => Ok(*i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}
impl FromValue for bool {
    fn from_value(value: &Value) -> Result<Self, String> {
        Ok(i64::from_value(value)? != 0)
    }
}
impl FromValue for String {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.clone().into_bytes()),
            other => Err(format!("expected a blob, found {other:?}")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// The rows of one query, with their column names.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

impl Rows {
    pub fn new(columns: Vec<String>, rows: Vec<Vec<Value>>) -> Self {
        Self { columns, rows }
    }
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|values| Row {
            columns: &self.columns,
            values,
        })
    }
    pub fn first(&self) -> Option<Row<'_>> {
        self.iter().next()
    }
}

/// One row, read by column name.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl Row<'_> {
    pub fn get<T: FromValue>(&self, column: &str) -> Result<T, StoreError> {
        let decode = |message: String| StoreError::Decode {
            column: column.to_owned(),
            message,
        };
        let index = self
            .columns
            .iter()
            .position(|c| c == column)
            .ok_or_else(|| decode("no such column in the result".to_owned()))?;
        let value = self
            .values
            .get(index)
            .ok_or_else(|| decode("row is shorter than its columns".to_owned()))?;
        T::from_value(value).map_err(decode)
    }

    /// A text column parsed into a domain type; a failure names the column and the text.
    pub fn parsed<T, E: std::fmt::Display>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let text: String = self.get(column)?;
        parse(&text).map_err(|e| StoreError::Decode {
            column: column.to_owned(),
            message: format!("{text:?}: {e}"),
        })
    }

    /// [`Row::parsed`] for a column that may be NULL.
    pub fn parsed_opt<T, E: std::fmt::Display>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, StoreError> {
        match self.get::<Option<String>>(column)? {
            None => Ok(None),
            Some(_) => self.parsed(column, parse).map(Some),
        }
    }

    /// A JSON text column read back into its type.
    pub fn json<T: serde::de::DeserializeOwned>(&self, column: &str) -> Result<T, StoreError> {
        self.parsed(column, |text| serde_json::from_str::<T>(text))
    }

    /// [`Row::json`] for a column that may be NULL.
    pub fn json_opt<T: serde::de::DeserializeOwned>(
        &self,
        column: &str,
    ) -> Result<Option<T>, StoreError> {
        self.parsed_opt(column, |text| serde_json::from_str::<T>(text))
    }
}

/// A value as the JSON text a JSON column holds.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode {
        column: "json".to_owned(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Rows {
        Rows::new(
            vec!["id".into(), "name".into(), "gone".into()],
            vec![vec![
                Value::Integer(7),
                Value::Text("a".into()),
                Value::Null,
            ]],
        )
    }

    #[test]
    fn row_reads_columns_by_name_whatever_their_order() {
        let rows = rows();
        let row = rows.first().expect("one row");
        assert_eq!(row.get::<String>("name").expect("name"), "a");
        assert_eq!(row.get::<i64>("id").expect("id"), 7);
        assert_eq!(row.get::<Option<String>>("gone").expect("gone"), None);
    }

    #[test]
    fn row_parses_text_and_json_columns_naming_the_column_on_failure() {
        let rows = Rows::new(
            vec!["n".into(), "list".into(), "gone".into()],
            vec![vec![
                Value::Text("12".into()),
                Value::Text("[1,2]".into()),
                Value::Null,
            ]],
        );
        let row = rows.first().expect("one row");
        assert_eq!(row.parsed("n", str::parse::<u8>).expect("n"), 12);
        assert_eq!(
            row.parsed_opt("gone", str::parse::<u8>).expect("gone"),
            None
        );
        assert_eq!(row.json::<Vec<u8>>("list").expect("list"), vec![1, 2]);
        assert_eq!(row.json_opt::<Vec<u8>>("gone").expect("gone"), None);
        let bad = row.json::<Vec<String>>("list").expect_err("numbers");
        assert!(bad.to_string().starts_with("column list:"), "{bad}");
        assert_eq!(to_json(&[1, 2]).expect("json"), "[1,2]");
    }

    #[test]
    fn row_reports_the_column_when_decoding_fails() {
        let rows = rows();
        let row = rows.first().expect("one row");
        let err = row.get::<i64>("name").expect_err("text is not an integer");
        assert!(err.to_string().starts_with("column name:"), "{err}");
        let err = row.get::<i64>("missing").expect_err("no such column");
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn u32_rejects_out_of_range_integers() {
        assert!(u32::from_value(&Value::Integer(-1)).is_err());
        assert_eq!(u32::from_value(&Value::Integer(3)), Ok(3));
    }
}
