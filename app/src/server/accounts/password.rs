//! Password hashing: Argon2id, off the async threads, a few at a time.

use crate::accounts::{FieldError, check_new_password_length};
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use std::{
    collections::HashSet,
    sync::{Arc, LazyLock},
};
use tokio::sync::Semaphore;

/// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
pub const MIN_MEMORY_KIB: u32 = 19_456;
pub const MIN_ITERATIONS: u32 = 2;
pub const MIN_LANES: u32 = 1;

/// Hashes and verifies passwords. Each hash holds `memory_kib` of memory and a core for tens of
/// milliseconds, so they run on the blocking pool, at most `concurrency` at once: a login flood
/// queues up instead of exhausting memory or starving the async threads.
#[derive(Debug, Clone)]
pub struct PasswordHasherPool {
    params: Params,
    permits: Arc<Semaphore>,
    /// Verified against when an account does not exist, so that answering takes as long.
    dummy_hash: Arc<str>,
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("invalid Argon2 parameters")]
    Params(#[source] argon2::Error),
    #[error("could not hash a password")]
    Hash(#[source] argon2::password_hash::Error),
    #[error("the hashing task failed")]
    Task(#[source] tokio::task::JoinError),
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Wrong,
    Right,
    /// Right, and the stored hash is weaker than today's parameters: store a new one.
    RightButWeak,
}

impl PasswordHasherPool {
    /// `params` below the minimum are raised to it.
    pub fn new(
        memory_kib: u32,
        iterations: u32,
        concurrency: usize,
    ) -> Result<Self, PasswordError> {
        let params = Params::new(
            memory_kib.max(MIN_MEMORY_KIB),
            iterations.max(MIN_ITERATIONS),
            MIN_LANES,
            None,
        )
        .map_err(PasswordError::Params)?;
        let dummy_hash = hash_with(&params, "not anybody's password")?.into();
        Ok(Self { params, permits: Arc::new(Semaphore::new(concurrency.max(1))), dummy_hash })
    }

    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.run(move || hash_with(&params, &password)).await?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no account,
    /// so that both answers take the same time.
    pub async fn verify(
        &self,
        password: &str,
        stored: Option<&str>,
    ) -> Result<Verdict, PasswordError> {
        let exists = stored.is_some();
        let stored = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let params = self.params.clone();
        let verdict = self.run(move || verify_with(&params, &password, &stored)).await?;
        Ok(if exists { verdict } else { Verdict::Wrong })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        super::super::blocking::run_with_permit(&self.permits, work)
            .await
            .map_err(PasswordError::Task)
    }
}

/// Hashes with any parameters, weak ones included: for accounts imported from elsewhere and for
/// tests of the upgrade at login. Blocking; never call it on an async thread in production.
pub fn hash_with_parameters(
    password: &str,
    memory_kib: u32,
    iterations: u32,
) -> Result<String, PasswordError> {
    let params =
        Params::new(memory_kib, iterations, MIN_LANES, None).map_err(PasswordError::Params)?;
    hash_with(&params, password)
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_with(params: &Params, password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2(params)
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(PasswordError::Hash)
}

fn verify_with(params: &Params, password: &str, stored: &str) -> Verdict {
    let Ok(hash) = PasswordHash::new(stored) else {
        tracing::error!("a stored password hash is not a PHC string");
        return Verdict::Wrong;
    };
    // Verification follows the parameters recorded in the stored hash, whatever they are.
    if argon2(params).verify_password(password.as_bytes(), &hash).is_err() {
        return Verdict::Wrong;
    }
    if is_weaker(&hash, params) { Verdict::RightButWeak } else { Verdict::Right }
}

fn is_weaker(hash: &PasswordHash<'_>, wanted: &Params) -> bool {
    if hash.algorithm != Algorithm::Argon2id.ident() {
        return true;
    }
    match Params::try_from(hash) {
        Ok(stored) => {
            stored.m_cost() < wanted.m_cost()
                || stored.t_cost() < wanted.t_cost()
                || stored.p_cost() < wanted.p_cost()
        }
        Err(_) => true,
    }
}

/// The 11,611 most common passwords of 8 characters or more, most common first (from the
/// frequency lists of zxcvbn, MIT licence).
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

/// Checks a password someone wants to set: its length, and that it is not a common one.
pub fn check_new_password(password: &str) -> Result<(), FieldError> {
    check_new_password_length(password)?;
    if COMMON_PASSWORDS.contains(password.to_lowercase().as_str()) {
        return Err(FieldError::new(
            "That password is one of the most common ones, so it's guessed first. Choose another.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weak_params() -> Params {
        Params::new(8, 1, 1, None).unwrap()
    }

    #[tokio::test]
    async fn hashes_verify_and_weak_ones_are_flagged() {
        let pool = PasswordHasherPool::new(MIN_MEMORY_KIB, MIN_ITERATIONS, 2).unwrap();
        let hash = pool.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert_eq!(
            pool.verify("correct horse battery", Some(&hash)).await.unwrap(),
            Verdict::Right
        );
        assert_eq!(pool.verify("wrong horse battery", Some(&hash)).await.unwrap(), Verdict::Wrong);

        let weak = hash_with(&weak_params(), "correct horse battery").unwrap();
        assert_eq!(
            pool.verify("correct horse battery", Some(&weak)).await.unwrap(),
            Verdict::RightButWeak
        );
        assert_eq!(pool.verify("nope", Some(&weak)).await.unwrap(), Verdict::Wrong);
    }

    #[tokio::test]
    async fn missing_accounts_and_garbage_hashes_never_verify() {
        let pool = PasswordHasherPool::new(MIN_MEMORY_KIB, MIN_ITERATIONS, 1).unwrap();
        assert_eq!(pool.verify("not anybody's password", None).await.unwrap(), Verdict::Wrong);
        assert_eq!(pool.verify("x", Some("garbage")).await.unwrap(), Verdict::Wrong);
    }

    #[test]
    fn parameters_never_go_below_the_minimum() {
        let pool = PasswordHasherPool::new(1024, 1, 1).unwrap();
        assert_eq!(pool.params.m_cost(), MIN_MEMORY_KIB);
        assert_eq!(pool.params.t_cost(), MIN_ITERATIONS);
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert!(check_new_password("password1").is_err());
        assert!(check_new_password("PASSWORD1").is_err());
        assert!(check_new_password("iloveyou").is_err());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("derp-o-meter-42").is_ok());
        assert!(COMMON_PASSWORDS.len() > 11_000);
    }
}
