//! One line of editable text with a cursor, the one input type of every prompt and dialog field:
//! the editing is `tui-input`'s (by grapheme, by word, the whole line); this adds the length
//! limit and the window a view shows of a value longer than its field.

use std::fmt;
use std::ops::Deref;
use tui_input::{Input, InputRequest};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// An edit of the focused text field, bound to keys in the keymap's `[input]` and `[dialog]`
/// sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edit {
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    Delete,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Delete everything typed.
    Clear,
    /// Move the cursor one character left.
    Left,
    /// Move the cursor one character right.
    Right,
    /// Move the cursor to the start of the previous word.
    WordLeft,
    /// Move the cursor to the start of the next word.
    WordRight,
    /// Move the cursor to the start of the text.
    Home,
    /// Move the cursor to the end of the text.
    End,
}

impl Edit {
    fn request(self) -> InputRequest {
        match self {
            Edit::Backspace => InputRequest::DeletePrevChar,
            Edit::Delete => InputRequest::DeleteNextChar,
            Edit::DeleteWord => InputRequest::DeletePrevWord,
            Edit::Clear => InputRequest::DeleteLine,
            Edit::Left => InputRequest::GoToPrevChar,
            Edit::Right => InputRequest::GoToNextChar,
            Edit::WordLeft => InputRequest::GoToPrevWord,
            Edit::WordRight => InputRequest::GoToNextWord,
            Edit::Home => InputRequest::GoToStart,
            Edit::End => InputRequest::GoToEnd,
        }
    }
}

/// A text field's value and cursor. Reads as the `str` typed (`field.trim()`, `field == "prd"`).
#[derive(Clone, Default)]
pub struct TextInput {
    input: Input,
}

/// What a field `width` columns wide shows of its value: the part around the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The visible text.
    pub text: String,
    /// The cursor's column within it (at most `width - 1`).
    pub cursor: usize,
    /// Whether text is scrolled out on the left.
    pub before: bool,
    /// Whether text is cut on the right.
    pub after: bool,
}

impl TextInput {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> Self {
        TextInput {
            input: Input::new(text.into()),
        }
    }

    /// The text typed.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Characters before the cursor.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set(&mut self, text: impl Into<String>) {
        self.input = Input::new(text.into());
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.input.reset();
    }

    /// Types `c` at the cursor, unless it is a control character or the field already holds
    /// `max` characters. Whether the text changed.
    pub fn insert(&mut self, c: char, max: usize) -> bool {
        if c.is_control() || self.value().chars().count() >= max {
            return false;
        }
        self.input.handle(InputRequest::InsertChar(c));
        true
    }

    /// Applies an edit. Whether the text changed (a cursor move does not change it).
    pub fn edit(&mut self, edit: Edit) -> bool {
        self.input
            .handle(edit.request())
            .is_some_and(|changed| changed.value)
    }

    /// The part of the value a field `width` columns wide shows: the cursor always in sight
    /// (with a free column for it at the end), wide characters never split.
    pub fn window(&self, width: usize) -> Window {
        let value = self.value();
        let cells = |s: &str| UnicodeWidthStr::width(s);
        if width == 0 {
            return Window {
                text: String::new(),
                cursor: 0,
                before: !value.is_empty(),
                after: !value.is_empty(),
            };
        }
        let cursor = self.input.visual_cursor();
        // The character under the cursor (a free column at the end) must fit on the right too.
        let under = value
            .char_indices()
            .nth(self.cursor())
            .and_then(|(at, _)| value.get(at..))
            .and_then(|rest| rest.graphemes(true).next())
            .map_or(1, |g| cells(g).max(1));
        // Columns to leave out on the left so that the cursor's character is in sight.
        let scroll = (cursor + under).saturating_sub(width);
        let mut skipped = 0;
        let mut text = String::new();
        let mut used = 0;
        let mut after = false;
        for g in value.graphemes(true) {
            let w = cells(g);
            if skipped < scroll {
                skipped += w;
                continue;
            }
            if used + w > width {
                after = true;
                break;
            }
            text.push_str(g);
            used += w;
        }
        Window {
            text,
            cursor: cursor.saturating_sub(skipped).min(width - 1),
            before: skipped > 0,
            after,
        }
    }
}

impl Deref for TextInput {
    type Target = str;

    fn deref(&self) -> &str {
        self.value()
    }
}

impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value() && self.cursor() == other.cursor()
    }
}

impl Eq for TextInput {}

impl PartialEq<str> for TextInput {
    fn eq(&self, other: &str) -> bool {
        self.value() == other
    }
}

impl PartialEq<&str> for TextInput {
    fn eq(&self, other: &&str) -> bool {
        self.value() == *other
    }
}

impl PartialEq<String> for TextInput {
    fn eq(&self, other: &String) -> bool {
        self.value() == other
    }
}

impl fmt::Debug for TextInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextInput")
            .field("value", &self.value())
            .field("cursor", &self.cursor())
            .finish()
    }
}

impl fmt::Display for TextInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.value())
    }
}

impl From<&str> for TextInput {
    fn from(text: &str) -> Self {
        TextInput::new(text)
    }
}

impl From<String> for TextInput {
    fn from(text: String) -> Self {
        TextInput::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> TextInput {
        let mut t = TextInput::default();
        for c in text.chars() {
            assert!(t.insert(c, 100));
        }
        t
    }

    #[test]
    fn the_cursor_moves_and_edits_in_the_middle() {
        let mut t = typed("/index.html /asets/*");
        for _ in 0..5 {
            t.edit(Edit::Left);
        }
        assert!(t.insert('s', 100));
        assert_eq!(t, "/index.html /assets/*");
        assert_eq!(t.cursor(), 16);
        t.edit(Edit::Home);
        assert!(t.edit(Edit::Delete));
        assert_eq!(t, "index.html /assets/*");
        t.edit(Edit::End);
        assert!(t.edit(Edit::DeleteWord));
        assert_eq!(t, "index.html /", "ctrl-w takes the word before the cursor");
        assert!(t.edit(Edit::Clear));
        assert_eq!((t.value(), t.cursor()), ("", 0));
        assert!(!t.edit(Edit::Backspace), "nothing to delete");
    }

    #[test]
    fn unicode_moves_by_character() {
        let mut t = typed("café 日本 👍🏽!");
        t.edit(Edit::End);
        t.edit(Edit::Left); // before `!`
        t.edit(Edit::Left); // before the emoji and its skin tone: one character
        assert!(t.edit(Edit::Backspace)); // the space
        assert_eq!(t, "café 日本👍🏽!");
        t.edit(Edit::Home);
        for _ in 0..4 {
            t.edit(Edit::Right);
        }
        assert!(t.insert('s', 100));
        assert_eq!(t, "cafés 日本👍🏽!");
        assert!(t.edit(Edit::Backspace));
        assert!(t.edit(Edit::Backspace), "é is one character");
        assert_eq!(t, "caf 日本👍🏽!");
    }

    #[test]
    fn the_length_limit_holds_wherever_the_cursor_is() {
        let mut t = typed("abc");
        t.edit(Edit::Home);
        assert!(!t.insert('x', 3));
        assert!(!t.insert('\u{7}', 10), "control characters are not typed");
        assert_eq!(t, "abc");
    }

    #[test]
    fn the_window_keeps_the_cursor_in_sight() {
        let mut t = typed("0123456789");
        let w = t.window(6);
        assert_eq!(
            (w.text.as_str(), w.cursor, w.before, w.after),
            ("56789", 5, true, false)
        );
        t.edit(Edit::Home);
        let w = t.window(6);
        assert_eq!(
            (w.text.as_str(), w.cursor, w.before, w.after),
            ("012345", 0, false, true)
        );
        // Wide characters are never split and the cursor lands on a cell boundary.
        let mut t = typed("日本語のパス");
        let w = t.window(7);
        assert_eq!((w.text.as_str(), w.cursor), ("のパス", 6));
        assert!(w.before);
        // The wide character under the cursor is in sight whole.
        for _ in 0..3 {
            t.edit(Edit::Left);
        }
        let w = t.window(7);
        assert_eq!(
            (w.text.as_str(), w.cursor),
            ("本語の", 4),
            "the cursor on の"
        );
        assert_eq!(TextInput::default().window(4).cursor, 0);
        assert_eq!(typed("ab").window(0).text, "");
    }
}
