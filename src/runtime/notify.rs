//! Notifications outside the terminal: the bell, and desktop notifications through the
//! terminal's own escape sequences (OSC 9, OSC 777), wrapped for tmux's passthrough when
//! running inside tmux. Which one is chosen from the environment the terminal sets.

use crate::app::attention::Delivery;
use std::collections::HashMap;
use std::io::Write;

/// The bell.
const BEL: &str = "\x07";

/// What the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequence {
    /// The bell only.
    Bell,
    /// OSC 9: `ESC ] 9 ; text BEL`.
    Osc9,
    /// OSC 777: `ESC ] 777 ; notify ; title ; body BEL`.
    Osc777,
}

/// How notifications are written: the sequence, and whether tmux sits between shipdeck and
/// the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notifier {
    /// The sequence.
    pub sequence: Sequence,
    /// Inside tmux (`$TMUX` set): wrapped in `ESC P tmux; … ESC \`.
    pub tmux: bool,
}

impl Notifier {
    /// The notifier for `method` in a terminal whose environment is `env` (`TERM_PROGRAM`,
    /// `TERM`, `LC_TERMINAL`, `KITTY_WINDOW_ID`, `WEZTERM_PANE`, `GHOSTTY_RESOURCES_DIR`,
    /// `WT_SESSION`, `TMUX`).
    pub fn choose(method: Delivery, env: &HashMap<String, String>) -> Notifier {
        let sequence = match method {
            Delivery::Bell => Sequence::Bell,
            Delivery::Osc9 => Sequence::Osc9,
            Delivery::Osc777 => Sequence::Osc777,
            Delivery::Auto => detect(env),
        };
        Notifier {
            sequence,
            tmux: env.get("TMUX").is_some_and(|v| !v.is_empty()),
        }
    }

    /// The notifier for `method` in this process's terminal.
    pub fn from_env(method: Delivery) -> Notifier {
        Notifier::choose(method, &std::env::vars().collect())
    }

    /// The bytes that show `title` and `body`: the notification (if the terminal shows them),
    /// then the bell.
    pub fn bytes(&self, title: &str, body: &str) -> String {
        let (title, body) = (clean(title), clean(body));
        let osc = match self.sequence {
            Sequence::Bell => None,
            Sequence::Osc9 => Some(format!("\x1b]9;{title}: {body}{BEL}")),
            // The title ends at the next `;`: none may be in it.
            Sequence::Osc777 => Some(format!(
                "\x1b]777;notify;{};{body}{BEL}",
                title.replace(';', ",")
            )),
        };
        let mut out = String::new();
        if let Some(osc) = osc {
            out.push_str(&if self.tmux { passthrough(&osc) } else { osc });
        }
        // tmux passes the bell on by itself (and marks the window).
        out.push_str(BEL);
        out
    }

    /// Writes a notification to the terminal.
    pub fn send(&self, out: &mut impl Write, title: &str, body: &str) -> std::io::Result<()> {
        out.write_all(self.bytes(title, body).as_bytes())?;
        out.flush()
    }
}

/// The sequence a terminal shows, from its environment: OSC 9 where it shows a desktop
/// notification (iTerm2, kitty, WezTerm, Ghostty, Windows Terminal), OSC 777 where that is the
/// one (foot, urxvt), else the bell.
fn detect(env: &HashMap<String, String>) -> Sequence {
    let get = |k: &str| env.get(k).map(String::as_str).unwrap_or_default();
    let program = get("TERM_PROGRAM").to_ascii_lowercase();
    let term = get("TERM");
    let has = |k: &str| !get(k).is_empty();
    if program == "iterm.app" || get("LC_TERMINAL") == "iTerm2" {
        return Sequence::Osc9;
    }
    if program == "wezterm" || has("WEZTERM_PANE") {
        return Sequence::Osc9;
    }
    if program == "ghostty" || term == "xterm-ghostty" || has("GHOSTTY_RESOURCES_DIR") {
        return Sequence::Osc9;
    }
    if term == "xterm-kitty" || has("KITTY_WINDOW_ID") {
        return Sequence::Osc9;
    }
    if has("WT_SESSION") {
        return Sequence::Osc9;
    }
    if term.starts_with("foot") || term.starts_with("rxvt-unicode") {
        return Sequence::Osc777;
    }
    Sequence::Bell
}

/// tmux's passthrough: `ESC P tmux;` then the sequence with each ESC doubled, then `ESC \`
/// (tmux 3.3+ passes it on with `set -g allow-passthrough on`).
pub fn passthrough(seq: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
}

/// Text without control characters (which would end or break the sequence).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn bytes(pairs: &[(&str, &str)]) -> String {
        Notifier::choose(Delivery::Auto, &env(pairs)).bytes("shipdeck", "prd: deploy failed")
    }

    #[test]
    fn each_terminal_gets_the_sequence_it_shows() {
        let osc9 = "\x1b]9;shipdeck: prd: deploy failed\x07\x07";
        let osc777 = "\x1b]777;notify;shipdeck;prd: deploy failed\x07\x07";
        for (terminal, pairs, want) in [
            ("iTerm2", vec![("TERM_PROGRAM", "iTerm.app")], osc9),
            ("iTerm2 over ssh", vec![("LC_TERMINAL", "iTerm2")], osc9),
            ("WezTerm", vec![("TERM_PROGRAM", "WezTerm")], osc9),
            ("Ghostty", vec![("TERM_PROGRAM", "ghostty")], osc9),
            ("Ghostty by TERM", vec![("TERM", "xterm-ghostty")], osc9),
            ("kitty", vec![("TERM", "xterm-kitty")], osc9),
            ("Windows Terminal", vec![("WT_SESSION", "abc")], osc9),
            ("foot", vec![("TERM", "foot")], osc777),
            ("urxvt", vec![("TERM", "rxvt-unicode-256color")], osc777),
            ("xterm", vec![("TERM", "xterm-256color")], "\x07"),
            ("nothing known", vec![], "\x07"),
        ] {
            assert_eq!(bytes(&pairs), want, "{terminal}");
        }
    }

    #[test]
    fn inside_tmux_the_sequence_is_wrapped_with_its_escapes_doubled() {
        let got = bytes(&[
            ("TERM", "tmux-256color"),
            ("TERM_PROGRAM", "tmux"),
            ("KITTY_WINDOW_ID", "1"),
            ("TMUX", "/tmp/tmux-0/default,123,0"),
        ]);
        assert_eq!(
            got,
            "\x1bPtmux;\x1b\x1b]9;shipdeck: prd: deploy failed\x07\x1b\\\x07"
        );
        let foot = Notifier {
            sequence: Sequence::Osc777,
            tmux: true,
        };
        assert_eq!(
            foot.bytes("a;b", "c"),
            "\x1bPtmux;\x1b\x1b]777;notify;a,b;c\x07\x1b\\\x07"
        );
        // Inside tmux with nothing known of the terminal: the bell alone, never wrapped.
        assert_eq!(bytes(&[("TMUX", "/tmp/t,1,0")]), "\x07");
    }

    #[test]
    fn the_configured_method_wins_and_control_characters_cannot_end_the_sequence() {
        let n = Notifier::choose(Delivery::Osc777, &env(&[("TERM_PROGRAM", "iTerm.app")]));
        assert_eq!(
            n.bytes("t", "line\x07one\x1b]9;x"),
            "\x1b]777;notify;t;line one ]9;x\x07\x07"
        );
        let bell = Notifier::choose(Delivery::Bell, &env(&[("TERM", "xterm-kitty")]));
        assert_eq!(bell.bytes("t", "b"), "\x07");
    }
}
