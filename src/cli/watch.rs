//! `shipdeck watch`: the console's attention events for scripts and chat-ops. The headless app
//! polls as the console does and its detector finds the events; each is printed (a line, or a
//! JSON line) and handed to `--exec`, whose commands run side by side (a few at once, started in
//! the events' order), so a slow one delays no later event. It starts with what already needs
//! attention and runs until Ctrl-C (or SIGTERM), which ends it cleanly with exit 0. With several
//! systems and neither `--system` nor `--env` picking one, it watches every system, each event
//! naming its own.

use super::args::{WatchArgs, WatchOutput};
use super::{Failure, Global, connect, stdout};
use crate::app::attention::Event;
use crate::cli::io::stderr::errln;
use crate::runtime::{Clock, Headless, SimClock, WallClock};
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::signal::unix::SignalKind;

/// `--exec` commands running at once; the next waits for one of them to end (each ends within
/// its timeout), and they start in the events' order.
pub const EXEC_AT_ONCE: usize = 4;

/// Runs `watch` until interrupted.
pub async fn run(global: &Global, args: WatchArgs) -> ExitCode {
    match watch(global, &args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            errln!("shipdeck: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// One system watched: its headless app on its own clock, and the events taken from it so far.
struct Watched {
    /// Its name, when the configuration names systems (events then carry it).
    system: Option<String>,
    app: Headless,
    clock: Arc<dyn Clock>,
    taken: usize,
}

/// The systems to watch: every one when the configuration names several and neither
/// `--system` nor `--env` picks one, else the one; a system that cannot be connected to is
/// said on stderr and the others are watched (none at all: the failure).
fn systems(global: &Global, args: &WatchArgs) -> Result<(Vec<Watched>, Duration), Failure> {
    let names = super::systems::every(global);
    let several = !names.is_empty();
    let globals: Vec<(Option<String>, Global)> = if several {
        (names.iter())
            .map(|n| (Some(n.clone()), super::systems::narrowed(global, n)))
            .collect()
    } else {
        vec![(None, global.clone())]
    };
    let mut watched = Vec::new();
    let mut tick = None;
    let mut failed = Vec::new();
    for (system, global) in globals {
        let backend = match connect(&global) {
            Ok(b) => b,
            Err(why) if several => {
                errln!(
                    "shipdeck: watch: system {}: unknown: {why}",
                    system.as_deref().unwrap_or("")
                );
                failed.push(why);
                continue;
            }
            Err(why) => return Err(Failure::new(why)),
        };
        if let Some(env) = &args.env {
            let names = backend.config.environments.iter().map(|e| e.name.as_str());
            super::env_position(names, env)?;
        }
        let clock: Arc<dyn Clock> = match &backend.sim {
            Some(sim) => Arc::new(SimClock::running(sim.clone(), global.speed)),
            None => Arc::new(WallClock),
        };
        let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
        if backend.sim.is_some() {
            app.state.clock_speed = global.speed;
        }
        // Nothing rings from here: the events go to stdout and --exec.
        app.state.attention.outbox.settings.enabled = false;
        tick.get_or_insert(Duration::from_millis(backend.config.ui.tick_ms));
        watched.push(Watched {
            system: backend.config.system.clone(),
            app,
            clock,
            taken: 0,
        });
    }
    match tick {
        Some(tick) => Ok((watched, tick)),
        None => Err(Failure::new(failed.join("\n"))),
    }
}

async fn watch(global: &Global, args: &WatchArgs) -> Result<(), Failure> {
    let exec = args
        .exec
        .as_deref()
        .map(|c| command(c, args.shell))
        .transpose()?;
    let (mut watched, tick) = systems(global, args)?;
    // Streams made once: a signal that comes while no one waits on them is kept for the next
    // wait (a `ctrl_c()` made afresh would miss it).
    let signal = |kind: SignalKind, name: &str| {
        tokio::signal::unix::signal(kind)
            .map_err(|e| Failure::new(format!("cannot watch for {name}: {e}")))
    };
    let mut sigint = signal(SignalKind::interrupt(), "Ctrl-C")?;
    let mut sigterm = signal(SignalKind::terminate(), "SIGTERM")?;
    let mut started = false;
    // The first reads that failed.
    let mut unread: Vec<String> = Vec::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(EXEC_AT_ONCE));
    // The `--exec` commands that failed (each said on stderr as it failed): `--once` ends with
    // exit 1 when any did, so a script learns that an event's hook did not run through.
    let hook_failures = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut hooks = tokio::task::JoinSet::new();
    let timeout = Duration::from_secs(args.exec_timeout);
    loop {
        let steps = (watched.iter_mut()).map(|w| step(&mut w.app, w.clock.as_ref(), started));
        tokio::select! {
            _ = sigint.recv() => return stop(hooks).await,
            _ = sigterm.recv() => return stop(hooks).await,
            _ = futures::future::join_all(steps) => {}
        }
        if !started {
            started = true;
            // A first read that failed is said, not taken for "nothing waits".
            for w in &watched {
                if let Err(why) = crate::runtime::load_failures(&w.app.state) {
                    let why = match &w.system {
                        Some(system) => format!("system {system}: {why}"),
                        None => why,
                    };
                    // `--once` ends on them, naming them once.
                    if !args.once {
                        errln!("shipdeck: watch: {why}");
                    }
                    unread.push(why);
                }
            }
        }
        for w in &mut watched {
            let events: Vec<Event> = (w.app.state.attention.since(w.taken).iter())
                .filter(|e| args.env.as_ref().is_none_or(|env| *env == e.environment))
                .cloned()
                .collect();
            w.taken = w.app.state.attention.total;
            for event in &events {
                print(event, w.system.as_deref(), args.output);
                if let Some(cmd) = &exec {
                    // The semaphore is fair: the commands start in the events' order.
                    let (cmd, event, slots) = (cmd.clone(), event.clone(), slots.clone());
                    let (system, failures) = (w.system.clone(), hook_failures.clone());
                    hooks.spawn(async move {
                        if let Ok(_slot) = slots.acquire_owned().await
                            && !run_exec(&cmd, &event, system.as_deref(), timeout).await
                        {
                            failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    });
                }
            }
        }
        while hooks.try_join_next().is_some() {}
        if exec.is_none() && stdout::closed() {
            // Printed to a reader that went away (`| head -3`): no one reads on.
            return stop(hooks).await;
        }
        if args.once {
            // The commands of what was printed end (or time out) before watch does.
            tokio::select! {
                _ = sigint.recv() => return stop(hooks).await,
                () = async { while hooks.join_next().await.is_some() {} } => {}
            }
            // What waits where a read failed is unknown: not a clean "that is all".
            let mut why = Vec::new();
            if !unread.is_empty() {
                why.push(format!(
                    "watch: the first read failed, so what waits there is not known:\n{}",
                    unread.join("\n")
                ));
            }
            let failed = hook_failures.load(std::sync::atomic::Ordering::Relaxed);
            if failed > 0 {
                why.push(format!(
                    "watch: {failed} --exec command{} failed (said above)",
                    if failed == 1 { "" } else { "s" }
                ));
            }
            return match why.is_empty() {
                true => Ok(()),
                false => Err(Failure::new(why.join("\n"))),
            };
        }
        tokio::select! {
            _ = sigint.recv() => return stop(hooks).await,
            _ = sigterm.recv() => return stop(hooks).await,
            () = tokio::time::sleep(tick) => {}
        }
    }
}

/// Watch ends: the `--exec` commands still running are killed (and said), not left behind.
async fn stop(mut hooks: tokio::task::JoinSet<()>) -> Result<(), Failure> {
    while hooks.try_join_next().is_some() {}
    let running = hooks.len();
    hooks.shutdown().await;
    if running > 0 {
        errln!("shipdeck: watch: ended; stopped {running} --exec command(s) not finished");
    }
    Ok(())
}

/// The first read (identity and every refresh), or one tick.
async fn step(app: &mut Headless, clock: &dyn Clock, started: bool) {
    let now = clock.now();
    if started {
        app.tick(now).await;
    } else {
        app.start(now).await;
        // The detector runs on ticks and refreshes: once more at the start, so that what
        // waits now is reported at once.
        app.tick(now).await;
    }
}

/// The event as one JSON object, with its `system` when several are watched.
fn event_json(event: &Event, system: Option<&str>) -> serde_json::Value {
    let mut v = event.json();
    if let (Some(system), Some(map)) = (system, v.as_object_mut()) {
        map.insert("system".into(), system.into());
    }
    v
}

fn print(event: &Event, system: Option<&str>, output: WatchOutput) {
    match output {
        WatchOutput::Jsonl => stdout::line(&event_json(event, system).to_string()),
        WatchOutput::Text => stdout::line(&format!(
            "{}  {:<17}  {}{}",
            event.at.rfc3339(),
            event.kind.name(),
            system.map(|s| format!("{s}  ")).unwrap_or_default(),
            event.summary
        )),
    }
}

/// The program and its arguments: `CMD` split into words (quotes kept together), or
/// `sh -c CMD` with `--shell`.
fn command(text: &str, shell: bool) -> Result<Vec<String>, Failure> {
    if shell {
        return Ok(vec!["sh".into(), "-c".into(), text.into()]);
    }
    match shlex::split(text) {
        Some(words) if !words.is_empty() => Ok(words),
        _ => Err(Failure::usage(format!(
            "--exec `{text}`: not a command (an empty or unbalanced quote?)"
        ))),
    }
}

/// Runs the command with the event as JSON on its standard input (and `SHIPDECK_EVENT`,
/// `SHIPDECK_ENVIRONMENT` set), killed after `timeout`; a failure is said on stderr and the
/// watch goes on. Whether it ran through (exit 0 in time).
async fn run_exec(cmd: &[String], event: &Event, system: Option<&str>, timeout: Duration) -> bool {
    let name = event.kind.name();
    match exec_once(cmd, event, system, timeout).await {
        Ok(()) => true,
        Err(why) => {
            errln!(
                "shipdeck: watch: --exec `{}` for {name}: {why}",
                cmd.join(" ")
            );
            false
        }
    }
}

async fn exec_once(
    cmd: &[String],
    event: &Event,
    system: Option<&str>,
    timeout: Duration,
) -> Result<(), String> {
    let (program, rest) = cmd.split_first().ok_or("no command")?;
    // Killed when dropped: when watch ends (Ctrl-C, SIGTERM) its running commands end with it.
    let mut command = tokio::process::Command::new(program);
    if let Some(system) = system {
        command.env("SHIPDECK_SYSTEM", system);
    }
    let mut child = command
        .args(rest)
        .env("SHIPDECK_EVENT", event.kind.name())
        .env("SHIPDECK_ENVIRONMENT", &event.environment)
        .stdin(Stdio::piped())
        .stdout(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input is not an error.
        let _ = stdin
            .write_all(format!("{}\n", event_json(event, system)).as_bytes())
            .await;
    }
    match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(format!("ended with {status}")),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => {
            let _ = child.kill().await;
            Err(format!("killed after {} s", timeout.as_secs()))
        }
    }
}
