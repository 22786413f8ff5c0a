//! `cargo bench --bench flood`: the cost of a flood of terminal events handled the way the
//! terminal loop handles them — random keys through the default keymap, resizes between 1×1 and
//! 300×100 and clicks, in batches of 256 actions with one redraw per batch at the last size.
//! Prints the median cost per event and per batch (key to frame) over the flood; effects are
//! answered by the simulator between batches, outside the timed part. Under `cargo test` it
//! runs once, briefly.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use shipdeck::app::{Action, Effect, Mode, PollPolicy, Session, State, update};
use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::domain::Timestamp;
use shipdeck::runtime::run_effect;
use shipdeck::tui::hints::hints;
use shipdeck::tui::keymap::{KeyMode, Keymap};
use shipdeck::tui::render::{Hints, draw, hit_test};
use std::time::{Duration, Instant};

/// Actions handled between two frames, as in the terminal loop.
const BATCH: usize = 256;

/// xorshift64*, for a reproducible flood.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

const CHARS: &[char] = &[
    'a', 'e', 'n', 'v', 'p', 'r', 'd', 's', 't', 'g', 'l', 'o', 'j', 'k', 'G', '1', '2', '3', '4',
    ':', '/', '?', ' ', '[', ']', 'é', '日',
];
const KEYS: &[KeyCode] = &[
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Backspace,
    KeyCode::Tab,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::F(1),
];

fn key_mode(state: &State) -> KeyMode {
    KeyMode::of(state)
}

/// The action of the next random event, if it has one; a resize changes `size`.
fn next_action(
    rng: &mut Rng,
    keymap: &Keymap,
    hints: &Hints,
    state: &State,
    size: &mut (u16, u16),
) -> Option<Action> {
    match rng.below(10) {
        0..=5 => {
            let code = if rng.below(3) == 0 {
                KEYS[rng.below(KEYS.len() as u64) as usize]
            } else {
                KeyCode::Char(CHARS[rng.below(CHARS.len() as u64) as usize])
            };
            let mods = if rng.below(20) == 0 {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            };
            keymap
                .action(key_mode(state), KeyEvent::new(code, mods))
                .filter(|a| *a != Action::Quit)
        }
        6..=8 => {
            *size = (1 + rng.below(300) as u16, 1 + rng.below(100) as u16);
            None
        }
        _ => {
            let (x, y) = (rng.below(u64::from(size.0)), rng.below(u64::from(size.1)));
            hit_test(
                state,
                hints,
                Rect::new(0, 0, size.0, size.1),
                x as u16,
                y as u16,
            )
        }
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.2} µs")
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let events = if full { 100_000 } else { 2 * BATCH };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
    let cloud = sim.cloud();
    let mut now = sim.with(|s| s.now());
    let session = Session {
        mode: Mode::Demo,
        profile: None,
        region: Some("eu-west-1".into()),
        identity: None,
        read_only: false,
    };
    let mut state = State::new(session, demo_specs(), PollPolicy::default(), now);
    let keymap = Keymap::load(None).expect("default keymap");
    let hints = hints(&keymap);
    let mut pending: Vec<Effect> = shipdeck::app::start(&mut state);
    let mut size = (80u16, 24u16);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("test backend");
    let mut rng = Rng(0x5EED);
    let mut batches = Vec::new();
    let mut sent = 0;
    while sent < events {
        // Answer what the previous batch asked for, and let a simulated second pass.
        while let Some(effect) = pending.pop() {
            if let Some(answer) = rt.block_on(run_effect(&cloud, effect)) {
                pending.extend(update(&mut state, answer));
            }
        }
        now = now + Timestamp::SECOND;
        sim.with(|s| s.advance_to(now));
        pending.extend(update(&mut state, Action::Tick(now)));
        let t = Instant::now();
        for _ in 0..BATCH {
            if let Some(action) = next_action(&mut rng, &keymap, &hints, &state, &mut size) {
                pending.extend(update(&mut state, action));
            }
        }
        pending.retain(|e| *e != Effect::Quit);
        state.quit = false;
        terminal.backend_mut().resize(size.0, size.1);
        terminal.draw(|f| draw(f, &state, &hints)).expect("draw");
        batches.push(t.elapsed());
        sent += BATCH;
    }
    let per_batch = median(batches.clone());
    batches.sort();
    let p99 = batches[(batches.len() * 99 / 100).min(batches.len() - 1)];
    let total: Duration = batches.iter().sum();
    println!(
        "{} flood: {sent} events ({} batches of {BATCH}, one redraw each at the last of ~{} \
         random sizes up to 300×100)",
        if full { "shipdeck bench" } else { "smoke run" },
        batches.len(),
        sent * 3 / 10,
    );
    println!(
        "per event (median batch / {BATCH}): {}; per batch, key to frame: median {}, p99 {}, \
         max {}; whole flood {}",
        fmt(per_batch / BATCH as u32),
        fmt(per_batch),
        fmt(p99),
        fmt(*batches.last().expect("one batch")),
        fmt(total)
    );
}
