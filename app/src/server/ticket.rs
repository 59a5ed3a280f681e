//! Tickets: the proof, carried by the vote form, that the server showed this picture to this voter.
//!
//! A ticket is checked without touching the database (signature, voter, age), so forged and
//! foreign votes are refused cheaply. Whether the picture is still the one in front of the voter
//! is then checked against the voter's row when the vote is written: that is what stops replays.

use super::{
    signing::{Purpose, Signer},
    voter::VoterId,
};
use crate::votes::SubmissionId;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Version 2 carries the time of issue in milliseconds (for the minimum viewing time); version 1
/// tickets (seconds), from pages opened before it, are still read.
const VERSION: u8 = 2;
const VERSION_IN_SECONDS: u8 = 1;
const PAYLOAD_LEN: usize = 25;
/// Tolerated clock difference between the servers that issue and check tickets.
const CLOCK_SKEW: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub voter: VoterId,
    pub submission: SubmissionId,
    /// Milliseconds since the Unix epoch.
    pub issued_at_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("the ticket is malformed or its signature is wrong")]
    Forged,
    #[error("the ticket was issued to another voter")]
    Foreign,
    #[error("the ticket is too old")]
    Expired,
}

impl Ticket {
    pub fn seal(self, signer: &Signer) -> String {
        let mut payload = [0u8; PAYLOAD_LEN];
        payload[0] = VERSION;
        payload[1..9].copy_from_slice(&self.voter.0.to_be_bytes());
        payload[9..17].copy_from_slice(&self.submission.0.to_be_bytes());
        payload[17..25].copy_from_slice(&self.issued_at_ms.to_be_bytes());
        signer.seal(Purpose::Ticket, &payload)
    }

    /// Opens a ticket and checks it was issued to `voter` within `max_age` of `now`.
    pub fn verify(
        signer: &Signer,
        token: &str,
        voter: VoterId,
        now: SystemTime,
        max_age: Duration,
    ) -> Result<Ticket, TicketError> {
        let payload =
            signer.open(Purpose::Ticket, token, PAYLOAD_LEN).ok_or(TicketError::Forged)?;
        let unit_ms = match payload.first() {
            Some(&VERSION) => 1,
            Some(&VERSION_IN_SECONDS) => 1000,
            _ => return Err(TicketError::Forged),
        };
        let field = |range: std::ops::Range<usize>| -> Result<[u8; 8], TicketError> {
            payload.get(range).and_then(|bytes| bytes.try_into().ok()).ok_or(TicketError::Forged)
        };
        let ticket = Ticket {
            voter: VoterId(i64::from_be_bytes(field(1..9)?)),
            submission: SubmissionId(i64::from_be_bytes(field(9..17)?)),
            issued_at_ms: u64::from_be_bytes(field(17..25)?).saturating_mul(unit_ms),
        };
        if ticket.voter != voter {
            return Err(TicketError::Foreign);
        }
        let now = unix_millis(now);
        if ticket.issued_at_ms > now.saturating_add(millis(CLOCK_SKEW)) {
            return Err(TicketError::Forged);
        }
        if now.saturating_sub(ticket.issued_at_ms) > millis(max_age) {
            return Err(TicketError::Expired);
        }
        Ok(ticket)
    }

    /// How long the picture has been in front of the voter at `now` (zero for a ticket from a
    /// clock a little ahead).
    pub fn shown_for(&self, now: SystemTime) -> Duration {
        Duration::from_millis(unix_millis(now).saturating_sub(self.issued_at_ms))
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

pub fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::signing::SecretKey;

    const DAY: Duration = Duration::from_secs(86_400);

    fn signer() -> Signer {
        Signer::new(&SecretKey::new(vec![9; 32]).unwrap())
    }

    fn ticket(issued_at: SystemTime) -> Ticket {
        Ticket {
            voter: VoterId(42),
            submission: SubmissionId(7),
            issued_at_ms: unix_millis(issued_at),
        }
    }

    #[test]
    fn a_fresh_ticket_verifies_for_its_voter() {
        let now = SystemTime::now();
        let sealed = ticket(now).seal(&signer());
        assert_eq!(Ticket::verify(&signer(), &sealed, VoterId(42), now, DAY), Ok(ticket(now)));
    }

    #[test]
    fn another_voters_ticket_is_foreign() {
        let now = SystemTime::now();
        let sealed = ticket(now).seal(&signer());
        assert_eq!(
            Ticket::verify(&signer(), &sealed, VoterId(43), now, DAY),
            Err(TicketError::Foreign)
        );
    }

    #[test]
    fn old_tickets_expire_and_future_ones_are_refused() {
        let now = SystemTime::now();
        let old = ticket(now - DAY - Duration::from_secs(1)).seal(&signer());
        assert_eq!(
            Ticket::verify(&signer(), &old, VoterId(42), now, DAY),
            Err(TicketError::Expired)
        );
        let future = ticket(now + Duration::from_secs(3600)).seal(&signer());
        assert_eq!(
            Ticket::verify(&signer(), &future, VoterId(42), now, DAY),
            Err(TicketError::Forged)
        );
        let slightly_ahead = ticket(now + Duration::from_secs(60)).seal(&signer());
        assert!(Ticket::verify(&signer(), &slightly_ahead, VoterId(42), now, DAY).is_ok());
    }

    #[test]
    fn tickets_know_how_long_their_picture_was_shown_to_the_millisecond() {
        let shown = SystemTime::now();
        let sealed = ticket(shown).seal(&signer());
        let now = shown + Duration::from_millis(250);
        let opened = Ticket::verify(&signer(), &sealed, VoterId(42), now, DAY).unwrap();
        assert_eq!(opened.shown_for(now), Duration::from_millis(250));
        assert_eq!(opened.shown_for(shown - Duration::from_secs(1)), Duration::ZERO);
    }

    #[test]
    fn tickets_of_the_first_version_are_read_in_seconds() {
        let now = SystemTime::now();
        let seconds = unix_millis(now) / 1000;
        let mut payload = [0u8; PAYLOAD_LEN];
        payload[0] = VERSION_IN_SECONDS;
        payload[1..9].copy_from_slice(&42i64.to_be_bytes());
        payload[9..17].copy_from_slice(&7i64.to_be_bytes());
        payload[17..25].copy_from_slice(&seconds.to_be_bytes());
        let sealed = signer().seal(Purpose::Ticket, &payload);
        let opened = Ticket::verify(&signer(), &sealed, VoterId(42), now, DAY).unwrap();
        assert_eq!(opened.issued_at_ms, seconds * 1000);
    }

    #[test]
    fn tampered_or_made_up_tickets_are_forged() {
        let now = SystemTime::now();
        let sealed = ticket(now).seal(&signer());
        let mut chars: Vec<char> = sealed.chars().collect();
        chars[12] = if chars[12] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        for token in [tampered.as_str(), "", "abc", &sealed[..sealed.len() - 1]] {
            assert_eq!(
                Ticket::verify(&signer(), token, VoterId(42), now, DAY),
                Err(TicketError::Forged),
                "{token}"
            );
        }
        let other_key = Signer::new(&SecretKey::new(vec![1; 32]).unwrap());
        assert_eq!(
            Ticket::verify(&other_key, &sealed, VoterId(42), now, DAY),
            Err(TicketError::Forged)
        );
    }
}
