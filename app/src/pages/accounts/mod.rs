//! Pages for signing up, logging in, following emailed links and changing settings.

pub mod links;
pub mod login;
pub mod settings;
pub mod signup;

use crate::error::AppError;
use leptos::prelude::*;

/// Bumped whenever who is logged in may have changed, so that the header asks again.
#[derive(Debug, Clone, Copy)]
pub struct AuthRevision(pub RwSignal<u32>);

impl AuthRevision {
    pub fn bump(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }

    /// Bumps once `outcome` (an action's value) reports success.
    pub fn bump_after(
        self,
        outcome: impl Get<Value = Option<Result<(), AppError>>> + Send + Sync + 'static,
    ) {
        Effect::new(move || {
            if let Some(Ok(())) = outcome.get() {
                self.bump();
            }
        });
    }
}
