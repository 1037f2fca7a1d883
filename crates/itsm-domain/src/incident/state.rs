//! Where an incident stands in its lifecycle; the transitions between states live in `lifecycle`.

use crate::text_enum::text_enum;

text_enum! {
    pub enum IncidentState {
        New => "new",
        InProgress => "in_progress",
        OnHold => "on_hold",
        Resolved => "resolved",
        Closed => "closed",
        Cancelled => "cancelled",
    }
}

impl IncidentState {
    /// No action leads out of a terminal state, so its record is final.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Cancelled)
    }

    /// Still needs work: this is what queues and SLA clocks count. Resolved is neither
    /// open nor terminal, as it waits for the caller to confirm or reopen.
    pub const fn is_open(self) -> bool {
        matches!(self, Self::New | Self::InProgress | Self::OnHold)
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
        assert_eq!(IncidentState::InProgress.as_str(), "in_progress");
        assert_eq!(IncidentState::parse("on_hold"), Ok(IncidentState::OnHold));
        assert_eq!(
            "cancelled".parse::<IncidentState>(),
            Ok(IncidentState::Cancelled)
        );
        assert_eq!(
            IncidentState::parse("In_Progress"),
            Err("must be one of: new, in_progress, on_hold, resolved, closed, cancelled".into())
        );
        assert_eq!(IncidentState::ALL.len(), 6);
    }

    #[test]
    fn open_and_terminal_partition_all_but_resolved() {
        for &state in IncidentState::ALL {
            let expected = match state {
                IncidentState::New | IncidentState::InProgress | IncidentState::OnHold => {
                    (true, false)
                }
                IncidentState::Resolved => (false, false),
                IncidentState::Closed | IncidentState::Cancelled => (false, true),
            };
            assert_eq!((state.is_open(), state.is_terminal()), expected, "{state}");
        }
    }

    proptest! {
        #[test]
        fn text_round_trips(state in select(IncidentState::ALL)) {
            assert_text_encoding(state, state.as_str(), IncidentState::parse);
        }

        #[test]
        fn only_exact_texts_parse(text in "\\PC{0,12}|[a-z_]{1,12}") {
            if let Ok(state) = IncidentState::parse(&text) {
                prop_assert_eq!(state.as_str(), text.as_str());
            }
        }
    }
}
