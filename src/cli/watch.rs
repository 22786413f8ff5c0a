//! `shipdeck watch`: the console's attention events for scripts and chat-ops. The headless app
//! polls as the console does and its detector finds the events; each is printed (a line, or a
//! JSON line) and handed to `--exec`, whose commands run side by side (a few at once, started in
//! the events' order), so a slow one delays no later event. It starts with what already needs
//! attention and runs until Ctrl-C (or SIGTERM), which ends it cleanly with exit 0.

use super::args::{WatchArgs, WatchOutput};
use super::{Failure, Global, connect, stdout};
use crate::app::attention::Event;
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
            eprintln!("shipdeck: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

async fn watch(global: &Global, args: &WatchArgs) -> Result<(), Failure> {
    let exec = args
        .exec
        .as_deref()
        .map(|c| command(c, args.shell))
        .transpose()?;
    let backend = connect(global).map_err(Failure::new)?;
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
    let tick = Duration::from_millis(backend.config.ui.tick_ms);
    // Streams made once: a signal that comes while no one waits on them is kept for the next
    // wait (a `ctrl_c()` made afresh would miss it).
    let signal = |kind: SignalKind, name: &str| {
        tokio::signal::unix::signal(kind)
            .map_err(|e| Failure::new(format!("cannot watch for {name}: {e}")))
    };
    let mut sigint = signal(SignalKind::interrupt(), "Ctrl-C")?;
    let mut sigterm = signal(SignalKind::terminate(), "SIGTERM")?;
    let mut taken = 0;
    let mut started = false;
    let slots = Arc::new(tokio::sync::Semaphore::new(EXEC_AT_ONCE));
    let mut hooks = tokio::task::JoinSet::new();
    let timeout = Duration::from_secs(args.exec_timeout);
    loop {
        tokio::select! {
            _ = sigint.recv() => return stop(hooks).await,
            _ = sigterm.recv() => return stop(hooks).await,
            () = step(&mut app, clock.as_ref(), started) => {}
        }
        if !started {
            started = true;
            // A first read that failed is said, not taken for "nothing waits".
            if let Err(why) = crate::runtime::load_failures(&app.state) {
                eprintln!("shipdeck: watch: {why}");
            }
        }
        let events: Vec<Event> = app
            .state
            .attention
            .since(taken)
            .iter()
            .filter(|e| args.env.as_ref().is_none_or(|env| *env == e.environment))
            .cloned()
            .collect();
        taken = app.state.attention.total;
        for event in &events {
            print(event, args.output);
            if let Some(cmd) = &exec {
                // The semaphore is fair: the commands start in the events' order.
                let (cmd, event, slots) = (cmd.clone(), event.clone(), slots.clone());
                hooks.spawn(async move {
                    if let Ok(_slot) = slots.acquire_owned().await {
                        run_exec(&cmd, &event, timeout).await;
                    }
                });
            }
        }
        while hooks.try_join_next().is_some() {}
        if args.once {
            // The commands of what was printed end (or time out) before watch does.
            tokio::select! {
                _ = sigint.recv() => return stop(hooks).await,
                () = async { while hooks.join_next().await.is_some() {} } => {}
            }
            return Ok(());
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
        eprintln!("shipdeck: watch: ended; stopped {running} --exec command(s) not finished");
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

fn print(event: &Event, output: WatchOutput) {
    match output {
        WatchOutput::Jsonl => stdout::line(&event.json().to_string()),
        WatchOutput::Text => stdout::line(&format!(
            "{}  {:<17}  {}",
            event.at.rfc3339(),
            event.kind.name(),
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
/// watch goes on.
async fn run_exec(cmd: &[String], event: &Event, timeout: Duration) {
    let name = event.kind.name();
    if let Err(why) = exec_once(cmd, event, timeout).await {
        eprintln!(
            "shipdeck: watch: --exec `{}` for {name}: {why}",
            cmd.join(" ")
        );
    }
}

async fn exec_once(cmd: &[String], event: &Event, timeout: Duration) -> Result<(), String> {
    let (program, rest) = cmd.split_first().ok_or("no command")?;
    // Killed when dropped: when watch ends (Ctrl-C, SIGTERM) its running commands end with it.
    let mut child = tokio::process::Command::new(program)
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
            .write_all(format!("{}\n", event.json()).as_bytes())
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
