//! The interactive loop: terminal events (keys, clicks, the wheel), ticks and effect results in,
//! `update`, coalesced redraws.

use super::Backend;
use super::notify::Notifier;
use super::{Clock, SimClock, Tasks, WallClock};
use crate::app::systems::Glance;
use crate::app::{Action, Level, State, start, update};
use crate::tui::hints::hints;
use crate::tui::keymap::{KeyMode, Keymap};
use crate::tui::render::{draw, hit_test, overlay_rows, page_rows, pane_rows, wheel};
use crate::tui::terminal::TerminalGuard;
use crossterm::event::{Event, EventStream, KeyEventKind, MouseButton, MouseEventKind};
use futures::StreamExt;
use ratatui::layout::Rect;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::unbounded_channel;

/// Most actions handled between two frames; the rest wait for the next round.
const BATCH: usize = 256;

fn key_mode(state: &State) -> KeyMode {
    KeyMode::of(state)
}

/// The terminal's sources of events, shared by the sessions of one run.
struct Inputs {
    events: EventStream,
    sigterm: tokio::signal::unix::Signal,
    sighup: tokio::signal::unix::Signal,
}

/// How one session over one system ended.
enum Ended {
    /// The operator quit, or a signal arrived.
    Quit,
    /// `:system NAME`: the backend of that system, and what was seen of each system so far.
    Switch(Box<Backend>, BTreeMap<String, Glance>),
}

/// Runs the console until the operator quits or a signal arrives. `:system NAME` ends the
/// session over one system and starts one over the other: a new state, new ports and a new
/// channel for the effects' answers, so that nothing of the first (its dialog, a late answer)
/// reaches the second.
pub async fn run(
    backend: Backend,
    keymap: Keymap,
    tick: Duration,
    speed: f64,
) -> color_eyre::Result<()> {
    let mut term = TerminalGuard::enter()?;
    let mut inputs = Inputs {
        events: EventStream::new(),
        sigterm: signal(SignalKind::terminate())?,
        sighup: signal(SignalKind::hangup())?,
    };
    let mut backend = backend;
    let mut seen = BTreeMap::new();
    loop {
        let ended = session(&mut term, &mut inputs, &backend, &keymap, tick, speed, seen).await?;
        match ended {
            Ended::Quit => break,
            Ended::Switch(next, glances) => {
                backend = *next;
                seen = glances;
            }
        }
    }
    #[cfg(debug_assertions)]
    crash_test()?;
    drop(term);
    Ok(())
}

/// One session: the console over `backend`'s system until the operator quits or switches.
async fn session(
    term: &mut TerminalGuard,
    inputs: &mut Inputs,
    backend: &Backend,
    keymap: &Keymap,
    tick: Duration,
    speed: f64,
    seen: BTreeMap<String, Glance>,
) -> color_eyre::Result<Ended> {
    let clock: Arc<dyn Clock> = match &backend.sim {
        Some(sim) => Arc::new(SimClock::running(sim.clone(), speed)),
        None => Arc::new(WallClock),
    };
    let cloud = backend.clouds.clone();
    let mut state = backend.state();
    state.systems.seen = seen;
    if backend.sim.is_some() {
        state.clock_speed = speed;
    }
    super::ops_effects::prepare(&mut state, backend);
    let keymap = keymap.clone().for_session(state.session.read_only);
    let hints = hints(&keymap);
    state.now = clock.now();
    let (tx, mut rx) = unbounded_channel::<Action>();
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut tasks = Tasks::with_clock(clock.clone());
    let notifier = Notifier::from_env(state.attention.outbox.settings.method);
    let mut quit = tasks.spawn(start(&mut state), &cloud, &tx);
    term.terminal.draw(|f| draw(f, &state, &hints))?;
    while !quit {
        let mut actions: Vec<Action> = Vec::new();
        let mut dirty = false;
        let idle_work = state.traffic.charts_pending();
        tokio::select! {
            // Input first; idle work (the filtered charts) only when nothing else is ready.
            biased;
            event = inputs.events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    actions.extend(keymap.action(key_mode(&state), key));
                }
                Some(Ok(Event::Mouse(m))) => {
                    let area = term.terminal.get_frame().area();
                    match m.kind {
                        MouseEventKind::Down(MouseButton::Left) => {
                            actions.extend(hit_test(&state, &hints, area, m.column, m.row));
                        }
                        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                            let down = m.kind == MouseEventKind::ScrollDown;
                            actions.extend(wheel(&state, area, m.column, m.row, down));
                        }
                        _ => {}
                    }
                }
                Some(Ok(Event::Resize(_, _))) => dirty = true,
                Some(Ok(Event::FocusGained)) => actions.push(Action::Focus(true)),
                Some(Ok(Event::FocusLost)) => actions.push(Action::Focus(false)),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => actions.push(Action::Quit),
            },
            Some(action) = rx.recv() => actions.push(action),
            _ = ticker.tick() => actions.push(Action::Tick(clock.now())),
            _ = inputs.sigterm.recv() => actions.push(Action::Quit),
            _ = inputs.sighup.recv() => actions.push(Action::Quit),
            _ = std::future::ready(()), if idle_work => actions.push(Action::ChartsStep),
        }
        while actions.len() < BATCH {
            match rx.try_recv() {
                Ok(action) => actions.push(action),
                Err(_) => break,
            }
        }
        for action in actions {
            dirty = true;
            let mut effects = update(&mut state, action);
            notify(&notifier, &mut effects);
            demo_faults(backend, &mut state, &mut effects);
            quit |= tasks.spawn(effects, &cloud, &tx);
        }
        if let Some(name) = tasks.take_switch() {
            match backend.switch(&name, clock.now()) {
                Ok(next) => {
                    tasks.abort_reads();
                    return Ok(Ended::Switch(Box::new(next), state.systems.seen));
                }
                Err(e) => state.say(Level::Error, format!(":system {name}: {e}")),
            }
        }
        if dirty && !quit {
            // A log view's height, for scrolling and paging, before the frame that shows it.
            let size = term.terminal.size()?;
            let screen = Rect::new(0, 0, size.width, size.height);
            if let Some(action) = page_rows(&state, screen) {
                quit |= tasks.spawn(update(&mut state, action), &cloud, &tx);
            }
            // How far the detail pane on screen scrolls, so that scrolling stops at its end.
            if let Some(action) = pane_rows(&state, screen) {
                quit |= tasks.spawn(update(&mut state, action), &cloud, &tx);
            }
            // How far the help or trace overlay scrolls, likewise.
            if let Some(action) = overlay_rows(&state, &hints, screen) {
                quit |= tasks.spawn(update(&mut state, action), &cloud, &tx);
            }
            term.terminal.draw(|f| draw(f, &state, &hints))?;
        }
    }
    Ok(Ended::Quit)
}

/// Injects the demo faults among `effects` (`:fault`) in the simulator at once, before the
/// reads they go with are spawned, and takes them out.
fn demo_faults(backend: &Backend, state: &mut State, effects: &mut Vec<crate::app::Effect>) {
    effects.retain(|effect| match effect {
        crate::app::Effect::DemoFault { env } => {
            if let Err(why) = backend.demo_fault(env.as_deref()) {
                state.say(Level::Error, format!(":fault: {why}"));
            }
            false
        }
        _ => true,
    });
}

/// Writes the notifications among `effects` to the terminal (between two frames, on the loop's
/// own thread) and takes them out.
fn notify(notifier: &Notifier, effects: &mut Vec<crate::app::Effect>) {
    effects.retain(|effect| match effect {
        crate::app::Effect::Notify { title, body } => {
            if let Err(e) = notifier.send(&mut std::io::stdout(), title, body) {
                tracing::warn!("notification not written: {e}");
            }
            false
        }
        _ => true,
    });
}

/// Test hook of debug builds: with `SHIPDECK_CRASH=panic` or `=error` the console ends that way
/// instead of quitting, so the pseudo-terminal test can check the terminal is restored then too.
#[cfg(debug_assertions)]
fn crash_test() -> color_eyre::Result<()> {
    match std::env::var("SHIPDECK_CRASH").as_deref() {
        Ok("panic") => panic!("crash test: a panic while the console runs"),
        Ok("error") => Err(color_eyre::eyre::eyre!(
            "crash test: an error while the console runs"
        )),
        _ => Ok(()),
    }
}
