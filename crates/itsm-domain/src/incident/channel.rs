//! How an incident reached the service desk, kept because channel mix drives staffing and automation decisions.

use crate::text_enum::text_enum;

text_enum! {
    pub enum Channel {
        Phone => "phone",
        Email => "email",
        Web => "web",
        Chat => "chat",
        Monitoring => "monitoring",
        WalkIn => "walk_in",
        Api => "api",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use proptest::prelude::*;
    use proptest::sample::select;

    #[test]
    fn text_examples() {
        assert_eq!(Channel::WalkIn.as_str(), "walk_in");
        assert_eq!(Channel::parse("api"), Ok(Channel::Api));
        assert!(Channel::parse("walkin").is_err());
        assert!(Channel::parse("API").is_err());
        assert_eq!(Channel::ALL.len(), 7);
    }

    proptest! {
        #[test]
        fn text_round_trips(channel in select(Channel::ALL)) {
            assert_text_encoding(channel, channel.as_str(), Channel::parse);
        }

        #[test]
        fn only_exact_texts_parse(text in "\\PC{0,12}|[a-z_]{1,10}") {
            if let Ok(channel) = Channel::parse(&text) {
                prop_assert_eq!(channel.as_str(), text.as_str());
            }
        }
    }
}
