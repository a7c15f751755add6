//! `ocop-server serve` as a real process on a port of its own, for the
//! tests that start, kill (SIGKILL) and restart the server: the binary on
//! an empty directory, and the fault tests of issue 16. Killed when
//! dropped, so a failed assertion leaves no server behind.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::server_binary;

/// `ocop-server serve` started in a directory, with what it wrote to
/// standard error so far.
pub struct Served {
    child: Child,
    pub port: u16,
    stderr: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    /// Starts `ocop-server serve <args>` in `dir` with only `env` set, on a
    /// port it could bind. The process binds its own port (`OCOP_BIND`), so
    /// a port found free a moment earlier may have been taken by another
    /// process since; the server then exits with "cannot listen on …" and
    /// another port is tried. Its "listening on" line, logged only once the
    /// bind succeeded, shows that the port is its own (and not another
    /// server's answering on it).
    pub fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Served {
        const TRIES: usize = 5;
        for _ in 0..TRIES {
            let port = free_port();
            let mut child = Command::new(server_binary())
                .arg("serve")
                .args(args)
                .current_dir(dir)
                .env_clear()
                .envs(env.iter().copied())
                .env("OCOP_BIND", format!("127.0.0.1:{port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let pipe = child.stderr.take().unwrap();
            let stderr = Arc::new(Mutex::new(String::new()));
            let log = Arc::clone(&stderr);
            let reader = std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
            let mut served = Served {
                child,
                port,
                stderr,
                reader: Some(reader),
            };
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                if served.log().contains("listening on") {
                    return served;
                }
                if let Some(status) = served.child.try_wait().unwrap() {
                    let log = served.stop();
                    assert!(
                        log.contains("cannot listen on"),
                        "the server exited ({status}):\n{log}"
                    );
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the server did not start:\n{}",
                    served.log()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("no port the server could bind in {TRIES} tries");
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// True while the process has not exited (it was not restarted).
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Kills the server (SIGKILL: no graceful shutdown, no flush); everything
    /// it wrote to standard error.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.log()
    }

    /// Waits for `/healthz` to answer 200; its body.
    pub fn wait_healthy(&self) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let (200, Some(body)) = probe_healthz(self.port) {
                return body;
            }
            assert!(Instant::now() < deadline, "server did not become healthy");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listened on a moment ago (see [`Served::start`] for why
/// that is not enough on its own).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET /healthz over a raw socket: the status (0 when nothing answered)
/// and the body as JSON.
pub fn probe_healthz(port: u16) -> (u16, Option<serde_json::Value>) {
    use std::io::Read as _;
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return (0, None);
    };
    if s.write_all(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
        .is_err()
    {
        return (0, None);
    }
    let mut text = String::new();
    if s.read_to_string(&mut text).is_err() {
        return (0, None);
    }
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return (0, None);
    };
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, serde_json::from_str(body).ok())
}
