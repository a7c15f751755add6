//! The committed diesel schema (`server/src/db/schema.rs`) matches what the
//! migrations create, on the backend the suite runs on (SQLite, or
//! PostgreSQL with `OCOP_TEST_DATABASE_URL`): the same tables, the same
//! columns, compatible types, the same nullability and the same primary key.
//!
//! diesel's `print-schema` writes one file per backend, while ours is one
//! file for both in the subset of types diesel's `MultiConnection` shares, so
//! CI cannot diff its output: this test reads the real columns of a freshly
//! migrated database instead (SQLite: `PRAGMA table_info`; PostgreSQL:
//! `information_schema`) and compares them with the parsed `table!` blocks.
//! Every difference is reported at once.

use std::collections::BTreeMap;
use std::path::Path;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use ocop_e2e::TestDb;
use ocop_server::db::{Backend, Db, DbConn};

/// One column: its diesel type (without `Nullable`) and nullability.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Col {
    ty: String,
    nullable: bool,
}

/// One table: primary key columns in order, and columns by name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Table {
    primary_key: Vec<String>,
    columns: BTreeMap<String, Col>,
}

type Schema = BTreeMap<String, Table>;

/// Parses the `diesel::table!` blocks of a schema file. Handles the forms
/// diesel writes: `name (pk, …) {`, `col -> Type,`, `Nullable<…>`,
/// `#[sql_name = "…"]`, `r#` identifiers and doc comments.
fn parse_schema_file(text: &str) -> Schema {
    let mut schema = Schema::new();
    let mut in_macro = false;
    let mut table: Option<(String, Table)> = None;
    let mut sql_name: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if line.starts_with("diesel::table!") {
            in_macro = true;
        } else if !in_macro || line.is_empty() || line.starts_with("//") {
            continue;
        } else if let Some((_, t)) = &mut table {
            if line == "}" {
                let (name, t) = table.take().unwrap();
                schema.insert(name, t);
            } else if let Some(name) = line
                .strip_prefix("#[sql_name = \"")
                .and_then(|r| r.strip_suffix("\"]"))
            {
                sql_name = Some(name.to_owned());
            } else if let Some((col, ty)) = line.split_once("->") {
                let col = col.trim().trim_start_matches("r#");
                let ty = ty.trim().trim_end_matches(',').trim();
                let (ty, nullable) = match ty
                    .strip_prefix("Nullable<")
                    .and_then(|t| t.strip_suffix('>'))
                {
                    Some(inner) => (inner, true),
                    None => (ty, false),
                };
                let name = sql_name.take().unwrap_or_else(|| col.to_owned());
                t.columns.insert(
                    name,
                    Col {
                        ty: ty.to_owned(),
                        nullable,
                    },
                );
            }
        } else if line == "}" {
            in_macro = false;
        } else if let Some(head) = line.strip_suffix('{') {
            // `name (a, b)` or `name` (diesel's default key is `id`).
            let (name, key) = match head.split_once('(') {
                Some((name, key)) => (name, key.trim().trim_end_matches(')')),
                None => (head, "id"),
            };
            let name = name.trim().rsplit('.').next().unwrap_or_default();
            let primary_key = key
                .split(',')
                .map(|k| k.trim().trim_start_matches("r#").to_owned())
                .filter(|k| !k.is_empty())
                .collect();
            table = Some((
                name.to_owned(),
                Table {
                    primary_key,
                    columns: BTreeMap::new(),
                },
            ));
        }
    }
    schema
}

/// The diesel type a column declared with `sql_type` reads as, on `backend`.
/// `None`: outside the types this schema may use.
fn diesel_type(backend: Backend, sql_type: &str) -> Option<&'static str> {
    let t = sql_type.trim().to_lowercase();
    // SQLite keeps the declared type as written, length and all.
    let t = t.split('(').next().unwrap_or_default().trim();
    Some(match (backend, t) {
        (_, "integer") | (Backend::Sqlite, "int") => "Integer",
        (_, "bigint") => "BigInt",
        (_, "smallint") => "SmallInt",
        (_, "text") | (Backend::Postgres, "character varying") | (Backend::Sqlite, "varchar") => {
            "Text"
        }
        (_, "boolean") => "Bool",
        (_, "double precision") | (Backend::Sqlite, "double") => "Double",
        (Backend::Postgres, "real") | (Backend::Sqlite, "float") => "Float",
        (Backend::Sqlite, "real") => "Double",
        (_, "date") => "Date",
        (_, "timestamp") | (Backend::Postgres, "timestamp without time zone") => "Timestamp",
        (Backend::Sqlite, "datetime") => "Timestamp",
        (Backend::Postgres, "timestamp with time zone") => "Timestamptz",
        (Backend::Postgres, "bytea") | (Backend::Sqlite, "blob") => "Binary",
        _ => return None,
    })
}

#[derive(QueryableByName, Debug)]
struct DbColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    /// 1-based position in the primary key, 0 when not part of it.
    #[diesel(sql_type = Integer)]
    pk: i32,
}

const SQLITE_COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name, \
     p.type AS data_type, p.\"notnull\" AS not_null, p.pk AS pk \
     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
     AND m.name <> '__diesel_schema_migrations'";

const POSTGRES_COLUMNS: &str = "SELECT c.table_name::text AS table_name, \
     c.column_name::text AS column_name, c.data_type::text AS data_type, \
     CASE c.is_nullable WHEN 'NO' THEN 1 ELSE 0 END AS not_null, \
     COALESCE(k.ordinal_position, 0)::integer AS pk \
     FROM information_schema.columns c \
     LEFT JOIN (SELECT u.table_name, u.column_name, u.ordinal_position \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage u \
         ON u.constraint_name = tc.constraint_name AND u.table_schema = tc.table_schema \
         WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public') k \
     ON k.table_name = c.table_name AND k.column_name = c.column_name \
     WHERE c.table_schema = 'public' AND c.table_name <> '__diesel_schema_migrations'";

/// The migrated database's tables, in the schema file's terms. A column
/// of a type outside the shared subset keeps its SQL type in brackets, so
/// it shows up as a difference instead of stopping the comparison.
fn database_schema(conn: &mut DbConn, backend: Backend) -> Schema {
    let sql = match backend {
        Backend::Sqlite => SQLITE_COLUMNS,
        Backend::Postgres => POSTGRES_COLUMNS,
    };
    let rows = diesel::sql_query(sql).load::<DbColumn>(conn).unwrap();
    let mut schema = Schema::new();
    let mut keys: BTreeMap<String, Vec<(i32, String)>> = BTreeMap::new();
    for row in rows {
        let ty = diesel_type(backend, &row.data_type)
            .map_or_else(|| format!("[{}]", row.data_type), str::to_owned);
        if row.pk > 0 {
            keys.entry(row.table_name.clone())
                .or_default()
                .push((row.pk, row.column_name.clone()));
        }
        schema.entry(row.table_name).or_default().columns.insert(
            row.column_name,
            Col {
                ty,
                nullable: row.not_null == 0,
            },
        );
    }
    for (table, mut key) in keys {
        key.sort();
        if let Some(t) = schema.get_mut(&table) {
            t.primary_key = key.into_iter().map(|(_, c)| c).collect();
        }
    }
    schema
}

fn show(col: &Col) -> String {
    if col.nullable {
        format!("Nullable<{}>", col.ty)
    } else {
        col.ty.clone()
    }
}

/// Every difference between the schema file and the database, one line each.
fn differences(file: &Schema, db: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in db.keys().filter(|t| !file.contains_key(*t)) {
        out.push(format!(
            "table {name}: created by the migrations, missing from schema.rs"
        ));
    }
    for (name, f) in file {
        let Some(d) = db.get(name) else {
            out.push(format!(
                "table {name}: in schema.rs, not created by the migrations"
            ));
            continue;
        };
        if f.primary_key != d.primary_key {
            out.push(format!(
                "table {name}: primary key ({}) in schema.rs, ({}) in the database",
                f.primary_key.join(", "),
                d.primary_key.join(", ")
            ));
        }
        for col in d.columns.keys().filter(|c| !f.columns.contains_key(*c)) {
            out.push(format!(
                "{name}.{col}: in the database, missing from schema.rs"
            ));
        }
        for (col, fc) in &f.columns {
            match d.columns.get(col) {
                None => out.push(format!("{name}.{col}: in schema.rs, not in the database")),
                Some(dc) if dc != fc => out.push(format!(
                    "{name}.{col}: {} in schema.rs, {} in the database",
                    show(fc),
                    show(dc)
                )),
                Some(_) => {}
            }
        }
    }
    out
}

fn schema_file() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src/db/schema.rs");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A freshly migrated database of the suite's backend, read back.
fn migrated() -> (TestDb, Backend, Schema) {
    let test_db = TestDb::create();
    let db = Db::connect(&test_db.url, 1).unwrap();
    db.migrate().unwrap();
    let backend = test_db.backend();
    let schema = database_schema(&mut db.conn().unwrap(), backend);
    (test_db, backend, schema)
}

#[test]
fn schema_file_matches_the_migrated_database() {
    let (_db, backend, in_db) = migrated();
    let in_file = parse_schema_file(&schema_file());
    assert!(
        in_file.len() > 30 && in_file.values().all(|t| !t.columns.is_empty()),
        "schema.rs parsed to {} tables: the parser no longer understands it",
        in_file.len()
    );
    let diffs = differences(&in_file, &in_db);
    assert!(
        diffs.is_empty(),
        "server/src/db/schema.rs does not match migrations/{} ({} differences):\n  {}",
        backend.name(),
        diffs.len(),
        diffs.join("\n  ")
    );
}

/// The check above can fail: a schema file with one mistake of each kind
/// is refused, and every mistake is named.
#[test]
fn every_kind_of_mismatch_is_reported() {
    let (_db, _, in_db) = migrated();
    let wrong = schema_file()
        .replacen("banks (bin) {", "banks (short_name) {", 1)
        .replacen(
            "        version -> BigInt,\n",
            "        version -> Integer,\n",
            1,
        )
        .replacen(
            "        changed_by -> Nullable<Integer>,\n",
            "        changed_by -> Integer,\n",
            1,
        )
        .replacen("        sort_order -> Integer,\n", "", 1)
        .replacen(
            "        what -> Text,\n",
            "        what -> Text,\n        why -> Text,\n",
            1,
        )
        + "\ndiesel::table! {\n    ghosts (id) {\n        id -> Integer,\n    }\n}\n";
    let diffs = differences(&parse_schema_file(&wrong), &in_db);
    let expected = [
        "table banks: primary key (short_name) in schema.rs, (bin) in the database",
        "catalogue_counter.version: Integer in schema.rs, BigInt in the database",
        "catalogue_versions.changed_by: Integer in schema.rs, Nullable<Integer> in the database",
        "districts.sort_order: in the database, missing from schema.rs",
        "catalogue_versions.why: in schema.rs, not in the database",
        "table ghosts: in schema.rs, not created by the migrations",
    ];
    for e in expected {
        assert!(diffs.iter().any(|d| d == e), "{e:?} not in {diffs:#?}");
    }
    assert_eq!(diffs.len(), expected.len(), "{diffs:#?}");
}
