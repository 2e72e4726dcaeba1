//! Child processes (typst) run with a time limit, in a process group of their own that is
//! killed whole, with what they print read up to a cap, and stopped when the run is.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The most of a child's output kept; the rest is read and dropped, so that the child
/// never blocks on a full pipe and a runaway one cannot fill memory.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024;

/// How long a child's output may stay open after the child exited (a grandchild holding
/// it) before the group is killed.
const GRACE: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub enum RunError {
    /// The program does not exist.
    Missing,
    TimedOut(Duration),
    /// The run was asked to stop (Ctrl-C).
    Interrupted,
    Io(String),
}

/// What a finished child printed, each stream cut at `MAX_OUTPUT_BYTES` (or `stdout_cap`).
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `command` to its end, within `timeout`. stdin is empty; stdout is kept up to
/// `stdout_cap` bytes, stderr up to `MAX_OUTPUT_BYTES`.
pub fn run(
    command: &mut Command,
    timeout: Duration,
    stdout_cap: usize,
) -> Result<Finished, RunError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own group: a wrapper script's children are killed with it, and a Ctrl-C in
        // the terminal reaches gongwen alone, which then stops the group itself.
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RunError::Missing,
        _ => RunError::Io(e.to_string()),
    })?;
    let stdout = capped_reader(child.stdout.take().map(|p| Box::new(p) as _), stdout_cap);
    let stderr = capped_reader(
        child.stderr.take().map(|p| Box::new(p) as _),
        MAX_OUTPUT_BYTES,
    );
    let started = Instant::now();
    let mut pause = Duration::from_micros(200);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {
                let stop = if crate::interrupt::requested() {
                    Some(RunError::Interrupted)
                } else if started.elapsed() > timeout {
                    Some(RunError::TimedOut(timeout))
                } else {
                    None
                };
                if let Some(error) = stop {
                    kill_group(&mut child);
                    let _ = child.wait();
                    let _ = (stdout.join(), stderr.join());
                    return Err(error);
                }
                std::thread::sleep(pause);
                // Short pauses: a child's exit is seen within a millisecond.
                pause = (pause * 2).min(Duration::from_millis(1));
            }
            Err(e) => {
                kill_group(&mut child);
                return Err(RunError::Io(e.to_string()));
            }
        }
    };
    // The child is gone; a process it left behind may still hold the pipes open.
    let exited = Instant::now();
    while !(stdout.is_finished() && stderr.is_finished()) {
        if exited.elapsed() > GRACE || crate::interrupt::requested() {
            kill_group(&mut child);
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(Finished {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Reads a pipe to its end on a thread, keeping the first `cap` bytes.
fn capped_reader(pipe: Option<Box<dyn Read + Send>>, cap: usize) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let Some(mut pipe) = pipe else {
            return kept;
        };
        let mut buffer = [0u8; 8192];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buffer[..n.min(room)]);
                }
            }
        }
        kept
    })
}

/// Kills the child's whole process group, the child included.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: a plain system call; the group is the child's own (`process_group(0)`),
        // and it exists while any of its processes, reaped or not, does.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// `exit status 3`, or that a signal ended the process.
pub fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_owned(),
    }
}
