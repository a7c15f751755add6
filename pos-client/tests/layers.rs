//! The till's modules form layers (see the crate docs in `src/lib.rs`): a
//! module uses modules of its own layer or below, never above, and no two
//! modules use each other, directly or round a longer loop.
//!
//! This reads the source: every `crate::…` path in a module's files (its
//! `src/<module>.rs` and `src/<module>/**.rs`), leaving out comments and
//! tests (files named `tests.rs` or under a `tests/` folder, and everything
//! from a file's `#[cfg(test)]` on), since tests may set up a scene from
//! any layer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top, as `src/lib.rs` lists them.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "store and wire",
        &["store", "records", "server_api", "printing", "log"],
    ),
    ("what the till holds", &["config", "catalogue", "receipt"]),
    ("the sender", &["sync"]),
    (
        "workflows",
        &[
            "approval", "shift", "checkout", "refund", "transfer", "labels",
        ],
    ),
    ("interface and commands", &["commands", "tui", "print_test"]),
];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The modules `src/lib.rs` declares.
fn declared_modules() -> BTreeSet<String> {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').trim().to_owned())
        .collect()
}

/// The product source files of `module`: its file and its folder's files,
/// tests left out.
fn files_of(module: &str) -> Vec<PathBuf> {
    let mut files = vec![src().join(format!("{module}.rs"))];
    let mut dirs = vec![src().join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" {
                files.push(path);
            }
        }
    }
    files
}

/// The crate modules named in `source` (`crate::x::…`, `use crate::{x, y}`
/// over one line or several), comments and the code after `#[cfg(test)]`
/// left out.
fn modules_used(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let ident = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            used.insert(ident(rest));
            continue;
        };
        // The first name of each top-level item of the group.
        let mut depth = 0;
        let mut item_start = true;
        for (i, c) in group.char_indices() {
            if item_start && depth == 0 {
                used.insert(ident(&group[i..]));
                item_start = false;
            }
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                _ => {}
            }
        }
    }
    used.remove("");
    used
}

/// Who uses whom among the declared modules.
fn graph() -> Graph {
    let modules = declared_modules();
    modules
        .iter()
        .map(|m| {
            let used = files_of(m)
                .iter()
                .filter_map(|f| fs::read_to_string(f).ok())
                .flat_map(|s| modules_used(&s))
                .filter(|u| u != m && modules.contains(u))
                .collect();
            (m.clone(), used)
        })
        .collect()
}

/// Every `a uses b` where b's layer is above a's.
fn upward_uses(layers: &[(&str, &[&str])], graph: &Graph) -> Vec<String> {
    let layer_of = |m: &str| layers.iter().position(|(_, ms)| ms.contains(&m));
    let mut found = Vec::new();
    for (m, used) in graph {
        for u in used {
            if let (Some(lm), Some(lu)) = (layer_of(m), layer_of(u))
                && lu > lm
            {
                found.push(format!(
                    "`{m}` ({}) uses `{u}` ({}), a layer above",
                    layers[lm].0, layers[lu].0
                ));
            }
        }
    }
    found
}

/// One import cycle, if there is any, as `a → b → … → a`.
fn a_cycle(graph: &Graph) -> Option<String> {
    fn visit<'g>(
        m: &'g str,
        graph: &'g Graph,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|p| *p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m);
            return Some(cycle.join(" → "));
        }
        if done.contains(m) {
            return None;
        }
        path.push(m);
        for u in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(u, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m);
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

#[test]
fn every_module_has_a_layer() {
    let placed: BTreeSet<String> = LAYERS
        .iter()
        .flat_map(|(_, ms)| ms.iter().map(|m| (*m).to_owned()))
        .collect();
    assert_eq!(
        declared_modules(),
        placed,
        "every module of src/lib.rs is in exactly one layer of this test (and of lib.rs's docs)"
    );
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let found = upward_uses(LAYERS, &graph());
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_modules_have_no_import_cycle() {
    let graph = graph();
    assert!(
        !graph.values().all(BTreeSet::is_empty),
        "the reading found no use at all"
    );
    assert_eq!(a_cycle(&graph), None);
}

/// The checks themselves catch what they are for.
#[test]
fn the_checks_fail_on_an_upward_use_and_on_a_cycle() {
    let used = modules_used(
        "//! See crate::tui.\nuse crate::{store::{Store, OutboxKind}, sync};\n\
         use crate::{\n    config,\n    receipt::header, // crate::tui\n};\n\
         fn f() { crate::shift::open(); }\n#[cfg(test)]\nmod tests { use crate::tui; }",
    );
    let expected: BTreeSet<String> = ["config", "receipt", "shift", "store", "sync"]
        .map(str::to_owned)
        .into();
    assert_eq!(used, expected);

    let layers: &[(&str, &[&str])] = &[("low", &["store"]), ("high", &["tui", "shift"])];
    let mut graph = Graph::new();
    graph.insert("store".into(), ["tui".to_owned()].into());
    graph.insert("tui".into(), ["shift".to_owned()].into());
    graph.insert("shift".into(), ["tui".to_owned()].into());
    assert_eq!(
        upward_uses(layers, &graph),
        ["`store` (low) uses `tui` (high), a layer above"]
    );
    assert_eq!(a_cycle(&graph).as_deref(), Some("shift → tui → shift"));
}
