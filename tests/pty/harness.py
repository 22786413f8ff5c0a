"""Runs shipdeck in a pseudo-terminal, ends it one way, and reports whether the terminal was restored.

Usage: harness.py BINARY (quit|sigterm|sighup|panic|error|notify) ; prints one JSON object.
"panic" and "error" press q with SHIPDECK_CRASH set, which a debug build turns into that ending.
HARNESS_ARGS (a JSON list, default ["--demo"]) replaces the console's arguments,
HARNESS_WAIT (default "Environments") is the text to wait for on screen before ending it, and
HARNESS_ENV (a JSON object) adds to the console's environment (TERM_PROGRAM, TMUX…).
"notify" tells the console its window has the focus (ESC [ I, queued before it starts), waits
for HARNESS_WAIT (an event it shows), then says the focus is lost (ESC [ O) and waits for the
next notification (the demo running fast brings the next event), then presses q; it reports
whether an OSC 9 was written while focused and the notification written after.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

binary, how = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
before = termios.tcgetattr(slave)
pid = os.fork()
if pid == 0:
    os.setsid()
    os.dup2(slave, 0); os.dup2(slave, 1); os.dup2(slave, 2)
    os.environ["TERM"] = "xterm-256color"
    os.environ["XDG_STATE_HOME"] = os.environ.get("HARNESS_STATE", "/tmp")
    # The terminal the tests themselves run in (tmux, WezTerm…) must not choose the console's
    # notifications: only HARNESS_ENV says which terminal this is.
    for k in ("TMUX", "TERM_PROGRAM", "LC_TERMINAL", "WEZTERM_PANE", "GHOSTTY_RESOURCES_DIR",
              "KITTY_WINDOW_ID", "WT_SESSION"):
        os.environ.pop(k, None)
    for k, v in json.loads(os.environ.get("HARNESS_ENV", "{}")).items():
        os.environ[k] = v
    if how in ("panic", "error"):
        os.environ["SHIPDECK_CRASH"] = how
    os.execv(binary, [binary] + json.loads(os.environ.get("HARNESS_ARGS", '["--demo"]')))

out = b""
def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            out += chunk

if how == "notify":
    # Queued before the console reads its input: the first thing it learns is that it has the
    # focus, before its first read finds what waits.
    os.write(master, b"\x1b[I")

wait = os.environ.get("HARNESS_WAIT", "Environments").encode()
# Hang guards, not timings: each wait ends as soon as what it waits for comes, so a generous
# guard costs nothing when all is well and keeps a debug build on a busy machine from failing.
deadline = time.time() + 60
while wait not in out and time.time() < deadline:
    pump(0.2)
drawn = wait in out
raw_while_running = not (termios.tcgetattr(slave)[3] & termios.ECHO)
OSC9 = b"\x1b]9;"
notified = None
osc_while_focused = None
if how == "notify":
    pump(1.0)
    osc_while_focused = OSC9 in out
    mark = len(out)
    os.write(master, b"\x1b[O")
    deadline = time.time() + 60
    while OSC9 not in out[mark:] and time.time() < deadline:
        pump(0.2)
    pump(0.2)
    at = out.find(OSC9, mark)
    if at >= 0:
        # From the start of a tmux passthrough wrapping it, if there is one, to its BEL.
        start = out.rfind(b"\x1bPtmux;", mark, at)
        if start >= 0 and start >= at - 8:
            end = out.find(b"\x1b\\", at) + 2
        else:
            start, end = at, out.find(b"\x07", at) + 1
        notified = out[start:end].decode("utf-8", "replace")
if how in ("quit", "panic", "error", "notify"):
    os.write(master, b"q")
elif how == "sigterm":
    os.kill(pid, signal.SIGTERM)
elif how == "sighup":
    os.kill(pid, signal.SIGHUP)
status = None
# A hang guard: the demo running fast in a debug build on a busy machine can take a while to
# take the key.
deadline = time.time() + 60
while time.time() < deadline:
    pump(0.1)
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
pump(0.2)
after = termios.tcgetattr(slave)
print(json.dumps({
    "drawn": drawn,
    "osc_while_focused": osc_while_focused,
    "notified": notified,
    "raw_while_running": raw_while_running,
    "exited": status is not None,
    "exit_code": os.waitstatus_to_exitcode(status) if status is not None else None,
    "entered_alt_screen": b"\x1b[?1049h" in out,
    "left_alt_screen": out.rfind(b"\x1b[?1049l") > out.rfind(b"\x1b[?1049h"),
    # What was printed once the console first left the alternate screen (a panic report
    # prints there, before unwinding restores the terminal once more).
    "message_after_leaving": out[out.find(b"\x1b[?1049l", out.rfind(b"\x1b[?1049h")):].decode("utf-8", "replace"),
    "echo_restored": bool(after[3] & termios.ECHO),
    "canonical_restored": bool(after[3] & termios.ICANON),
    "lflag_same_as_before": after[3] == before[3],
}))
