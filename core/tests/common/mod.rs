//! Runs small Node.js scripts that check ocop-core's output with independent,
//! third-party tools from npm (pinned by each folder's package-lock.json).
//!
//! Without `node` on the PATH a check says so and is skipped, except under CI
//! (`CI` set), where a missing tool is a failure.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failed test"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn tool_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

fn have_node() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Installs the folder's npm packages if needed (`npm ci`, no install
/// scripts). `false` when Node.js is missing outside CI.
pub fn npm_ready(dir: &Path, probe_package: &str) -> bool {
    if !have_node() {
        assert!(
            std::env::var_os("CI").is_none(),
            "node is required in CI to run the third-party checks in {}",
            dir.display()
        );
        eprintln!(
            "SKIPPED: node not found, third-party check in {} not run",
            dir.display()
        );
        return false;
    }
    if !dir.join("node_modules").join(probe_package).exists() {
        let status = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status()
            .expect("run npm ci");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    true
}

/// Feeds `lines` to `node script` in `dir` on stdin; returns its stdout lines.
pub fn run_node(dir: &Path, script: &str, lines: &[String]) -> Vec<String> {
    let mut child = Command::new("node")
        .arg(script)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start node");
    {
        let mut stdin = child.stdin.take().unwrap();
        for line in lines {
            writeln!(stdin, "{line}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node {script} failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let result: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(result.len(), lines.len(), "one output line per input line");
    result
}
