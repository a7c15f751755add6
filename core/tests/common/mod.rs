//! Runs small Node.js scripts that check ocop-core's output with independent,
//! third-party tools from npm (pinned by each folder's package-lock.json).
//!
//! A check that did not run must not pass: without `node` on the PATH, or
//! without the folder's npm packages installed, the test fails and says to
//! run `.ci/test`, which installs Node.js and runs `npm ci` in each folder.
//! The tests themselves never install anything or reach the network.

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

/// Fails the test unless `node` runs and `probe_package` is installed in
/// the folder's `node_modules` (by `.ci/test`).
pub fn require_toolkit(dir: &Path, probe_package: &str) {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node not found on the PATH ({node:?}): the third-party check in {} cannot run; \
         run .ci/test, which installs Node.js and the checking tools",
        dir.display()
    );
    assert!(
        dir.join("node_modules").join(probe_package).exists(),
        "npm package {probe_package} not installed in {}: run .ci/test, which runs \
         `npm ci` there (the tests never install anything themselves)",
        dir.display()
    );
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
