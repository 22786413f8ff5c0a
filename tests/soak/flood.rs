//! A flood of 100,000 terminal events (random keys through the default keymap, resizes between
//! 1×1 and 300×100, clicks) driven the way the terminal loop drives them — batches of at most
//! 256 actions, effects answered by the simulator, one coalesced draw per batch — while checking
//! that what the state owns stays bounded by its structure, not by how many events arrived.

use crate::support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use shipdeck::app::{
    Action, COMMANDS, Effect, LOG_TAIL_CAP, MAX_INPUT, OP_COMMANDS, Overlay, State, update,
};
use shipdeck::runtime::run_effect;
use shipdeck::tui::hints::hints;
use shipdeck::tui::keymap::{KeyMode, Keymap};
use shipdeck::tui::render::{draw, hit_test};
use support::sim::Rig;

mod bounds;
use bounds::check_bounds;

/// Events in the flood.
const EVENTS: usize = 100_000;
/// Actions handled between two frames, as in the terminal loop.
const BATCH: usize = 256;
/// Executions the runtime asks for per refresh (`HISTORY` in `runtime/effects.rs`).
const HISTORY_PAGE: usize = 25;
/// Characters a status message adds around the text it quotes (`:{text}: {why}`).
const STATUS_SLACK: usize = 200;

/// xorshift64*: a small deterministic generator, so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One terminal event.
enum Event {
    Key(KeyEvent),
    Resize(u16, u16),
    Click(u16, u16),
}

const CHARS: &[char] = &[
    'a', 'e', 'n', 'v', 'p', 'r', 'd', 's', 't', 'g', 'l', 'o', 'q', 'j', 'k', 'h', 'G', 'R', '1',
    '2', ':', '/', '?', ' ', '-', '.', 'é', '日', '🚀', '\u{7}', '\t',
];
const KEYS: &[KeyCode] = &[
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Backspace,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Delete,
    KeyCode::F(1),
    KeyCode::F(5),
    KeyCode::F(12),
];

fn event(rng: &mut Rng, size: (u16, u16)) -> Event {
    match rng.below(100) {
        0..=59 => {
            let code = if rng.below(3) == 0 {
                rng.pick(KEYS)
            } else {
                KeyCode::Char(rng.pick(CHARS))
            };
            let modifiers = match rng.below(20) {
                0 => KeyModifiers::CONTROL,
                1 => KeyModifiers::ALT,
                2 => KeyModifiers::SHIFT,
                _ => KeyModifiers::NONE,
            };
            Event::Key(KeyEvent::new(code, modifiers))
        }
        60..=89 => Event::Resize(1 + rng.below(300) as u16, 1 + rng.below(100) as u16),
        _ => Event::Click(
            rng.below(u64::from(size.0)) as u16,
            rng.below(u64::from(size.1)) as u16,
        ),
    }
}

fn key_mode(state: &State) -> KeyMode {
    KeyMode::of(state)
}

/// The text of the open prompt, if one is open.
fn prompt(state: &State) -> Option<&str> {
    match &state.overlay {
        Some(Overlay::Command(line) | Overlay::Filter(line) | Overlay::Search(line)) => {
            Some(&line.text)
        }
        _ => None,
    }
}

/// The longest text a completion can put in the command line.
fn longest_completion(state: &State) -> usize {
    let commands = COMMANDS.iter().map(|(c, _)| c.chars().count());
    let envs = state
        .envs
        .iter()
        .map(|e| "env ".len() + e.spec.name.chars().count());
    commands.chain(envs).max().unwrap_or(0) + 1
}

/// What the flood has seen so far.
#[derive(Default)]
struct Tally {
    /// Fetch effects issued and dialogs opened (each takes one request id).
    fetches: u64,
    /// Quit actions and effects, skipped: the loop would end, the flood goes on.
    quits: u64,
    /// Most characters the open prompt can hold: its text when opened, plus one per key typed
    /// and a completion's length per completion since (0 when none is open).
    typed: usize,
    /// Longest prompt text seen.
    longest_prompt: usize,
    /// Times, in this batch, the logs view started showing another environment.
    log_switches: usize,
    /// Reads cancelled.
    cancels: usize,
}

/// The request of a log-tail read, an action-runs read or an execution read (the effects a
/// cancel can stop).
fn log_request(effect: &Effect) -> Option<u64> {
    match effect {
        Effect::FetchLogs { request, .. }
        | Effect::StreamTraffic { request, .. }
        | Effect::FetchTrafficEvents { request, .. }
        | Effect::ReadTrafficEvents { request, .. }
        | Effect::FetchActionExecutions { request, .. }
        | Effect::FetchExecution { request, .. } => Some(*request),
        _ => None,
    }
}

/// Applies one action as the terminal loop does, keeping its effects for the end of the batch.
fn apply(state: &mut State, action: Action, pending: &mut Vec<Effect>, tally: &mut Tally) {
    if action == Action::Quit {
        tally.quits += 1;
        return;
    }
    let was_open = prompt(state).is_some();
    let shown_logs = state.view.is_log_view().then_some(state.selected);
    // What this action may add to an open prompt: a character, or a completion.
    let adds = match &action {
        Action::Input(_) => 1,
        Action::Complete => longest_completion(state),
        _ => 0,
    };
    let dialog = state.ops.dialog.as_ref().map(|d| d.nonce);
    let effects = update(state, action);
    if let Some(opened) = state.ops.dialog.as_ref().map(|d| d.nonce)
        && Some(opened) != dialog
    {
        // A dialog that opens takes one request id: its idempotency token's nonce.
        tally.fetches += 1;
    }
    for effect in effects {
        match effect {
            Effect::Quit => tally.quits += 1,
            // The loop's task registry stops the read: it will not run, nor answer.
            Effect::Cancel { request } => {
                tally.cancels += 1;
                pending.retain(|e| log_request(e) != Some(request));
            }
            effect => {
                if takes_request(&effect) {
                    tally.fetches += 1;
                }
                pending.push(effect);
            }
        }
    }
    state.quit = false;
    if state.view.is_log_view() && shown_logs != Some(state.selected) {
        tally.log_switches += 1;
    }
    tally.typed = match (was_open, prompt(state)) {
        (_, None) => 0,
        (false, Some(text)) => text.chars().count(),
        (true, Some(_)) => tally.typed + adds,
    };
    if let Some(text) = prompt(state) {
        tally.longest_prompt = tally.longest_prompt.max(text.chars().count());
    }
}

/// Whether an effect carries a request id (audit lines, audit reads and file writes do not).
fn takes_request(effect: &Effect) -> bool {
    !matches!(
        effect,
        Effect::Audit { .. } | Effect::ReadAudit { .. } | Effect::WriteFile { .. } | Effect::Quit
    ) && !matches!(effect, Effect::FetchIdentity { .. })
}

async fn flood(seed: u64) -> Tally {
    let mut rig = Rig::new(42);
    rig.start().await;
    let cloud = rig.sim.cloud();
    let keymap = Keymap::load(None).unwrap();
    let hints = hints(&keymap);
    let mut rng = Rng(seed);
    let mut tally = Tally {
        fetches: rig.app.state.next_request - 1,
        ..Tally::default()
    };
    let mut size = (80u16, 24u16);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    let mut pending = Vec::new();
    let mut sent = 0;
    while sent < EVENTS {
        let batch = (EVENTS - sent).min(BATCH);
        for _ in 0..batch {
            let state = &mut rig.app.state;
            let action = match event(&mut rng, size) {
                Event::Key(key) => keymap.action(key_mode(state), key),
                Event::Resize(w, h) => {
                    size = (w, h);
                    None
                }
                Event::Click(x, y) => {
                    hit_test(state, &hints, Rect::new(0, 0, size.0, size.1), x, y)
                }
            };
            if let Some(action) = action {
                apply(state, action, &mut pending, &mut tally);
            }
        }
        sent += batch;
        check_bounds(&rig.app.state, &pending, &tally);
        tally.log_switches = 0;
        while let Some(effect) = pending.pop() {
            if let Some(answer) = run_effect(&cloud, effect).await {
                apply(&mut rig.app.state, answer, &mut pending, &mut tally);
            }
        }
        let now = rig.now() + shipdeck::domain::Timestamp::SECOND;
        rig.sim.with(|s| s.advance_to(now));
        apply(
            &mut rig.app.state,
            Action::Tick(now),
            &mut pending,
            &mut tally,
        );
        check_bounds(&rig.app.state, &pending, &tally);
        terminal.backend_mut().resize(size.0, size.1);
        terminal.draw(|f| draw(f, &rig.app.state, &hints)).unwrap();
        let area = terminal.backend().buffer().area;
        assert_eq!(
            (area.width, area.height),
            size,
            "the frame follows the last resize"
        );
    }
    tally
}

#[tokio::test]
async fn a_flood_of_keys_resizes_and_clicks_stays_bounded() {
    for seed in [0x5EED] {
        let tally = flood(seed).await;
        assert!(
            tally.fetches > 0 && tally.quits > 0 && tally.cancels > 0,
            "the flood reached the effects, cancelled replaced reads and quit"
        );
    }
}
