//! When a delivery counts as delivered, when it is worth trying again, and how long to wait:
//! quickly at first for a blip, then spread over a day for an outage, then given up (it can be
//! sent again by hand).

use crate::text_enum::text_enum;

text_enum! {
    /// Where a delivery stands.
    pub enum DeliveryStatus {
        /// Not yet delivered; it is due at `next_attempt_at`.
        Pending => "pending",
        Delivered => "delivered",
        /// Refused by the receiver, or the retries ran out; it can be sent again by hand.
        Failed => "failed",
    }
}

/// Minutes to wait after the 1st, 2nd, … failed attempt; after the last, the delivery fails.
const WAITS: [i64; 8] = [1, 5, 15, 60, 180, 360, 720, 1440];

/// The longest a receiver's `Retry-After` may hold a delivery back.
const LONGEST_WAIT_MINUTES: i64 = 1440;

/// What one attempt's answer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// Worth trying again: no answer, a timeout, throttling or a server error.
    Retry,
    /// The receiver refused it; the same bytes would be refused again.
    Refused,
}

/// The verdict on an attempt: the receiver's status, or `None` when there was no answer.
pub fn verdict(status: Option<u16>) -> Verdict {
    match status {
        Some(200..=299) => Verdict::Delivered,
        None | Some(408 | 425 | 429) | Some(500..=599) => Verdict::Retry,
        Some(_) => Verdict::Refused,
    }
}

/// How long to wait after `failed_attempts` attempts have failed, honouring a receiver's
/// `Retry-After` (seconds) when it asks for longer; `None` once the schedule is spent.
pub fn retry_delay_minutes(failed_attempts: u32, retry_after_seconds: Option<u64>) -> Option<i64> {
    let index = usize::try_from(failed_attempts.checked_sub(1)?).ok()?;
    let scheduled = *WAITS.get(index)?;
    let asked = retry_after_seconds
        .map(|s| {
            i64::try_from(s.div_ceil(60))
                .unwrap_or(i64::MAX)
                .min(LONGEST_WAIT_MINUTES)
        })
        .unwrap_or(0);
    Some(scheduled.max(asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_two_hundreds_deliver_and_only_transient_failures_retry() {
        assert_eq!(verdict(Some(200)), Verdict::Delivered);
        assert_eq!(verdict(Some(204)), Verdict::Delivered);
        for transient in [None, Some(408), Some(429), Some(500), Some(503)] {
            assert_eq!(verdict(transient), Verdict::Retry, "{transient:?}");
        }
        for refused in [Some(301), Some(400), Some(401), Some(404), Some(410)] {
            assert_eq!(verdict(refused), Verdict::Refused, "{refused:?}");
        }
    }

    #[test]
    fn waits_grow_then_stop_and_a_longer_retry_after_wins_up_to_a_day() {
        assert_eq!(retry_delay_minutes(0, None), None);
        assert_eq!(retry_delay_minutes(1, None), Some(1));
        assert_eq!(retry_delay_minutes(2, None), Some(5));
        assert_eq!(retry_delay_minutes(8, None), Some(1440));
        assert_eq!(retry_delay_minutes(9, None), None);
        assert_eq!(retry_delay_minutes(1, Some(600)), Some(10));
        assert_eq!(retry_delay_minutes(1, Some(61)), Some(2));
        assert_eq!(retry_delay_minutes(2, Some(30)), Some(5));
        assert_eq!(retry_delay_minutes(1, Some(u64::MAX)), Some(1440));
        let total: i64 = (1..=8).filter_map(|n| retry_delay_minutes(n, None)).sum();
        assert_eq!(total, 2781, "nearly two days from first to last attempt");
    }
}
