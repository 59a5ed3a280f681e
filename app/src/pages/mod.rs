pub mod account;
pub mod forms;
pub mod not_found;
pub mod profile;
pub mod tiles;
pub mod upload;
pub mod vote;
