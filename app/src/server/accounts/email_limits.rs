//! How many emails one client, and one inbox, can cause. Asking for a password reset or signing
//! up sends mail to whatever address was typed: without limits, anybody could bomb any inbox
//! through us, and every sign-up also costs a password hash.
//!
//! Counted on the typed address whether or not it has an account, and before any other work,
//! so the answer (and its timing) is the same either way: a limit reveals nothing.

use super::AccountError;
use crate::{
    accounts::Email,
    server::{
        ClientAddress,
        rate_limits::{self, Limit},
    },
};
use sqlx::PgPool;
use std::net::IpAddr;

pub const WINDOW_MINUTES: i32 = 60;

/// The limits per hour (`accounts.*_per_hour` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailLimits {
    /// Emails of any kind to one address.
    pub per_recipient: i32,
    /// Password resets asked for by one client.
    pub resets_per_client: i32,
    /// Sign-ups from one client.
    pub sign_ups_per_client: i32,
}

impl Default for EmailLimits {
    fn default() -> Self {
        Self { per_recipient: 3, resets_per_client: 10, sign_ups_per_client: 10 }
    }
}

impl EmailLimits {
    /// Counts a reset request; refused when the client or the inbox has had its share.
    pub async fn count_reset(
        &self,
        pool: &PgPool,
        client: IpAddr,
        to: &Email,
    ) -> Result<(), AccountError> {
        self.count(pool, "resets-from", self.resets_per_client, client, to).await
    }

    /// Counts a sign-up (which sends a confirmation, or an "already registered" note).
    pub async fn count_sign_up(
        &self,
        pool: &PgPool,
        client: IpAddr,
        to: &Email,
    ) -> Result<(), AccountError> {
        self.count(pool, "sign-ups-from", self.sign_ups_per_client, client, to).await
    }

    /// Counts one email of a kind against the client's allowance for that kind and the inbox's.
    async fn count(
        &self,
        pool: &PgPool,
        kind: &str,
        per_client: i32,
        client: IpAddr,
        to: &Email,
    ) -> Result<(), AccountError> {
        let from = Limit::new(format!("{kind}:{}", ClientAddress(client).key()), per_client);
        let limits = [from, self.recipient(to)];
        match rate_limits::count(pool, &limits, WINDOW_MINUTES).await? {
            Some(minutes) => Err(AccountError::TooManyEmails(minutes)),
            None => Ok(()),
        }
    }

    fn recipient(&self, to: &Email) -> Limit {
        Limit::new(format!("mail-to:{}", to.as_str().to_lowercase()), self.per_recipient)
    }
}
