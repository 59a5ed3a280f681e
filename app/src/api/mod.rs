//! Server functions, one file per feature: called over HTTP by the hydrated page, and directly
//! while a page renders on the server.

mod accounts;
mod moderation;
mod operators;
mod standings;
mod votes;

pub use accounts::*;
pub use moderation::*;
pub use operators::*;
pub use standings::*;
pub use votes::*;
