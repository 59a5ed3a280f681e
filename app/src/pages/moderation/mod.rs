//! Moderation's pages and forms: the report form (on the vote page and a picture's page), the
//! admins' queue of held pictures (`/admin/pictures`), and an owner's rename and delete forms.

mod owner;
mod queue;
mod report;

pub use owner::OwnerControls;
pub use queue::HeldPicturesPage;
pub use report::ReportForm;
