//! Random bearer tokens (session cookies, emailed links) and the hashes stored in their place.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A token of 256 random bits, base64url: what the browser or the email gets.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps: a copy of the table lets nobody in. Tokens are random, so a plain
/// SHA-256 is enough (no salt or stretching needed).
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// Whether `token` could be one of ours (refuses oversized input before hashing it).
pub fn is_plausible_token(token: &str) -> bool {
    let token = token.trim();
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_plausible_and_hash_stably() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(is_plausible_token(&a));
        assert_eq!(token_hash(&a), token_hash(&format!(" {a}\n")));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert!(!is_plausible_token("short"));
        assert!(!is_plausible_token(&"!".repeat(43)));
    }
}
