//! Signed tokens: a payload followed by a truncated HMAC-SHA256 tag, base64url-encoded.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::{fmt, sync::Arc};

/// 128-bit tags: forging one takes 2^128 guesses, and tokens stay short.
const TAG_LEN: usize = 16;
// A truncated HMAC-SHA256 tag: never longer than the 32 bytes it is cut from.
const _: () = assert!(TAG_LEN <= 32);

/// The key everything is signed with. It never appears in logs or `Debug` output.
#[derive(Clone)]
pub struct SecretKey(Arc<[u8]>);

#[derive(Debug, thiserror::Error)]
#[error(
    "the secret key must be at least {min} bytes long (it is {actual}); generate one with `openssl rand -base64 48`"
)]
pub struct SecretKeyTooShort {
    pub min: usize,
    pub actual: usize,
}

impl SecretKey {
    pub const MIN_LEN: usize = 32;

    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, SecretKeyTooShort> {
        let bytes = bytes.into();
        if bytes.len() < Self::MIN_LEN {
            return Err(SecretKeyTooShort { min: Self::MIN_LEN, actual: bytes.len() });
        }
        Ok(Self(bytes.into()))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// What a token is for; part of what is signed, so a token made for one purpose is useless for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Purpose {
    VoterCookie = 1,
    Ticket = 2,
}

/// Signs and verifies tokens with one key.
#[derive(Clone)]
pub struct Signer {
    keyed: Hmac<Sha256>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

impl Signer {
    pub fn new(key: &SecretKey) -> Self {
        // HMAC accepts keys of any length, so this cannot fail; keep a fallible-free path anyway.
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(&key.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        Self { keyed }
    }

    fn mac(&self, purpose: Purpose, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        mac.update(&[purpose as u8]);
        mac.update(payload);
        mac
    }

    /// `payload ‖ tag`, base64url without padding.
    pub fn seal(&self, purpose: Purpose, payload: &[u8]) -> String {
        let tag = self.mac(purpose, payload).finalize().into_bytes();
        let mut token = Vec::with_capacity(payload.len() + TAG_LEN);
        token.extend_from_slice(payload);
        token.extend_from_slice(tag.get(..TAG_LEN).unwrap_or(&tag));
        URL_SAFE_NO_PAD.encode(token)
    }

    /// The payload of a token sealed by [`Signer::seal`] for `purpose`, if it is genuine and
    /// `payload_len` bytes long. The tag is compared in constant time.
    pub fn open(&self, purpose: Purpose, token: &str, payload_len: usize) -> Option<Vec<u8>> {
        // Refuse oversized input before decoding it.
        if token.len() > (payload_len + TAG_LEN) * 4 / 3 + 4 {
            return None;
        }
        let mut bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
        if bytes.len() != payload_len + TAG_LEN {
            return None;
        }
        let tag = bytes.split_off(payload_len);
        self.mac(purpose, &bytes).verify_truncated_left(&tag).ok()?;
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(byte: u8) -> Signer {
        Signer::new(&SecretKey::new(vec![byte; 32]).unwrap())
    }

    #[test]
    fn opens_what_it_sealed() {
        let signer = signer(7);
        let token = signer.seal(Purpose::Ticket, b"hello");
        assert_eq!(signer.open(Purpose::Ticket, &token, 5).as_deref(), Some(&b"hello"[..]));
    }

    #[test]
    fn refuses_other_keys_purposes_lengths_and_tampering() {
        let signer = signer(7);
        let token = signer.seal(Purpose::Ticket, b"hello");
        assert_eq!(self::signer(8).open(Purpose::Ticket, &token, 5), None);
        assert_eq!(signer.open(Purpose::VoterCookie, &token, 5), None);
        assert_eq!(signer.open(Purpose::Ticket, &token, 4), None);
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[0] ^= 1;
        assert_eq!(signer.open(Purpose::Ticket, &URL_SAFE_NO_PAD.encode(bytes), 5), None);
        assert_eq!(signer.open(Purpose::Ticket, "not base64!", 5), None);
        assert_eq!(signer.open(Purpose::Ticket, &"A".repeat(10_000), 5), None);
    }

    #[test]
    fn short_keys_are_refused_and_keys_never_print() {
        assert!(SecretKey::new(vec![1; 31]).is_err());
        let key = SecretKey::new(vec![b'k'; 40]).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
        assert!(!format!("{:?}", Signer::new(&key)).contains('k'));
    }
}
