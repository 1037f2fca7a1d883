//! A record's title as the API shows it, whatever its kind, for the messages that name records
//! in a line (webhook bodies for chats, chat replies): one rule, so they never disagree.

use serde_json::Value;

/// An incident's short description, a problem's title, a complaint's subject, or a request's
/// item name (English where there is one, else the first language, else the item's code).
pub fn record_title(record: &Value) -> Option<&str> {
    ["short_description", "title", "subject"]
        .iter()
        .find_map(|field| record[field].as_str())
        .or_else(|| {
            let names = record["item_name"].as_object()?;
            names.get("en").or_else(|| names.values().next())?.as_str()
        })
        .or_else(|| record["item"].as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_kind_of_record_has_its_title() {
        assert_eq!(
            record_title(&json!({"short_description": "Mail down"})),
            Some("Mail down")
        );
        assert_eq!(
            record_title(&json!({"title": "Recurring VPN drops"})),
            Some("Recurring VPN drops")
        );
        assert_eq!(
            record_title(&json!({"subject": "Nobody called"})),
            Some("Nobody called")
        );
        assert_eq!(
            record_title(&json!({"item_name": {"zh": "笔记本电脑", "en": "Laptop"}})),
            Some("Laptop")
        );
        assert_eq!(
            record_title(&json!({"item_name": {"zh": "笔记本电脑"}})),
            Some("笔记本电脑")
        );
        assert_eq!(record_title(&json!({"item": "laptop"})), Some("laptop"));
        assert_eq!(record_title(&json!({"state": "new"})), None);
    }
}
