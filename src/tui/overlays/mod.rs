//! What opens over a view: the action dialog (with the release picker, the rollback
//! candidates and the upload's lines inside it), the `:` command line and the other prompts, the help, and the sign-in dialog.

pub mod command;
pub mod dialog;
pub mod help;
pub mod release_picker;
pub mod rollback_candidates;
pub mod sign_in;
pub mod systems;
pub mod trace;
pub mod upload;
