//! The terminal front end: terminal setup, keymap, rendering.

pub mod hints;
pub mod keymap;
mod keymap_file;
pub mod overlays;
pub mod panes;
pub mod render;
pub mod terminal;
pub mod views;
pub mod widgets;
