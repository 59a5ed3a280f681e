pub mod accounts;
pub mod forms;
pub mod not_found;
pub mod profile;
pub mod standings;
pub mod tiles;
pub mod uploads;
pub mod votes;
