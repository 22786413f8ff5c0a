//! The terminal front end: terminal setup, keymap, rendering.

pub mod hints;
pub mod keymap;
pub mod render;
pub mod terminal;
pub mod views;
pub mod widgets;
