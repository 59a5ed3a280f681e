//! Who is voting: every visitor gets a random voter id, kept in a signed cookie.

use super::signing::{Purpose, Signer};
use rand::Rng;
use std::{fmt, time::Duration};

/// A voter. Anonymous visitors are voters too; the id lives in their session cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct VoterId(pub i64);

impl VoterId {
    /// A fresh id: random so that ids reveal nothing about how many voters there are,
    /// and 62 bits so that two visitors sharing one is never going to happen.
    pub fn random() -> Self {
        Self(rand::thread_rng().gen_range(1..=(1_i64 << 62)))
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
    if payload[0] != COOKIE_VERSION {
        return None;
    }
    let id = i64::from_be_bytes(payload[1..].try_into().ok()?);
    (id > 0).then_some(VoterId(id))
}

/// Cookie settings that depend on how the site is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePolicy {
    /// Served over https: mark cookies `Secure` and bind them to the host with the `__Host-` prefix.
    pub secure: bool,
}

impl CookiePolicy {
    pub fn voter_cookie_name(self) -> &'static str {
        if self.secure { "__Host-rmd_voter" } else { "rmd_voter" }
    }

    pub fn session_cookie_name(self) -> &'static str {
        if self.secure { "__Host-rmd_session" } else { "rmd_session" }
    }

    /// A `Set-Cookie` value for the voter cookie, valid for a year.
    pub fn voter_set_cookie(self, value: &str) -> String {
        self.set_cookie(self.voter_cookie_name(), value, 31_536_000)
    }

    /// A `Set-Cookie` value for a session cookie that lasts as long as the session.
    pub fn session_set_cookie(self, token: &str, max_age: Duration) -> String {
        self.set_cookie(self.session_cookie_name(), token, max_age.as_secs())
    }

    /// A `Set-Cookie` value that makes the browser forget its session cookie.
    pub fn session_clear_cookie(self) -> String {
        self.set_cookie(self.session_cookie_name(), "", 0)
    }

    fn set_cookie(self, name: &str, value: &str, max_age_secs: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
    }

    /// Finds the voter cookie's value in a `Cookie` request header.
    pub fn find_voter_cookie(self, cookie_header: &str) -> Option<&str> {
        find_cookie(cookie_header, self.voter_cookie_name())
    }

    /// Finds the session cookie's value in a `Cookie` request header.
    pub fn find_session_cookie(self, cookie_header: &str) -> Option<&str> {
        find_cookie(cookie_header, self.session_cookie_name())
    }
}

fn find_cookie<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
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

    #[test]
    fn cookie_attributes_follow_the_scheme() {
        let plain = CookiePolicy { secure: false }.voter_set_cookie("v");
        assert_eq!(plain, "rmd_voter=v; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
        let secure = CookiePolicy { secure: true }.voter_set_cookie("v");
        assert!(secure.starts_with("__Host-rmd_voter=v;"));
        assert!(secure.ends_with("; Secure"));
        let session =
            CookiePolicy { secure: true }.session_set_cookie("t", Duration::from_secs(60));
        assert_eq!(
            session,
            "__Host-rmd_session=t; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
        let cleared = CookiePolicy { secure: false }.session_clear_cookie();
        assert_eq!(cleared, "rmd_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    }

    #[test]
    fn finds_the_cookie_among_others() {
        let policy = CookiePolicy { secure: false };
        assert_eq!(policy.find_voter_cookie("a=1; rmd_voter=xyz; b=2"), Some("xyz"));
        assert_eq!(policy.find_voter_cookie("xrmd_voter=1"), None);
        assert_eq!(policy.find_voter_cookie(""), None);
    }
}
