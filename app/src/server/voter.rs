//! Who is voting: every visitor gets a random voter id, kept in a signed cookie.

use super::signing::{Purpose, Signer};
use rand::Rng;
use std::fmt;

/// A voter. Anonymous visitors are voters too; the id lives in their session cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct VoterId(pub i64);

impl VoterId {
    /// A fresh id: random so that ids reveal nothing about how many voters there are,
    /// and 62 bits so that two visitors sharing one is never going to happen.
    pub fn random() -> Self {
        Self(rand::rng().random_range(1..=(1_i64 << 62)))
    }
}

impl fmt::Display for VoterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The voter behind a request, put in its extensions by the voter middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voter {
    pub id: VoterId,
    /// Whether the browser sent a valid voter cookie (if not, `id` was minted for this request).
    pub cookie_was_sent: bool,
}

const COOKIE_VERSION: u8 = 1;
const COOKIE_PAYLOAD_LEN: usize = 9;

/// The value of the voter cookie for `id`.
pub fn seal_voter_cookie(signer: &Signer, id: VoterId) -> String {
    let mut payload = [0u8; COOKIE_PAYLOAD_LEN];
    payload[0] = COOKIE_VERSION;
    payload[1..].copy_from_slice(&id.0.to_be_bytes());
    signer.seal(Purpose::VoterCookie, &payload)
}

/// The voter id in a voter cookie, if the cookie is genuine.
pub fn open_voter_cookie(signer: &Signer, value: &str) -> Option<VoterId> {
    let payload = signer.open(Purpose::VoterCookie, value, COOKIE_PAYLOAD_LEN)?;
    let (&COOKIE_VERSION, id) = payload.split_first()? else {
        return None;
    };
    let id = i64::from_be_bytes(id.try_into().ok()?);
    (id > 0).then_some(VoterId(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::signing::SecretKey;

    fn signer() -> Signer {
        Signer::new(&SecretKey::new(vec![3; 32]).unwrap())
    }

    #[test]
    fn cookie_round_trips_and_refuses_tampering() {
        let signer = signer();
        let id = VoterId::random();
        let value = seal_voter_cookie(&signer, id);
        assert_eq!(open_voter_cookie(&signer, &value), Some(id));
        assert_eq!(open_voter_cookie(&signer, &value[1..]), None);
        assert_eq!(open_voter_cookie(&signer, "garbage"), None);
        let other = Signer::new(&SecretKey::new(vec![4; 32]).unwrap());
        assert_eq!(open_voter_cookie(&other, &value), None);
    }

    #[test]
    fn random_ids_are_positive() {
        for _ in 0..1000 {
            assert!(VoterId::random().0 > 0);
        }
    }
}
