//! Product search: by name ignoring Vietnamese diacritics and case (the
//! stored `search_key` against the folded query), by barcode, producer,
//! group, star rating and the producer's district; ordered by name then id,
//! paginated by limit and offset.

use diesel::prelude::*;
use ocop_core::digital_link::ScanInput;
use serde::Deserialize;

use super::Product;
use crate::db::DbConn;
use crate::db::schema::{producers, products};

/// Largest page.
pub const MAX_LIMIT: i64 = 1000;
/// Page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 200;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProductSearch {
    /// Words of the name, with or without diacritics ("ruou ngo" finds "Rượu ngô").
    pub q: Option<String>,
    /// A barcode: GTIN-8/12/13/14 or an internal code.
    pub code: Option<String>,
    pub producer_id: Option<i32>,
    /// Product group code.
    pub group: Option<String>,
    /// Exactly this star rating.
    pub stars: Option<i32>,
    /// At least this star rating.
    pub min_stars: Option<i32>,
    /// The producer's district code.
    pub district: Option<String>,
    /// `true`: only active products; `false`: only withdrawn ones.
    pub active: Option<bool>,
    /// Page size, 1–1000 (default 200).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only what the public catalogue lists: active products of producers
    /// that are not suspended. Set by the server, never by a query string.
    #[serde(skip)]
    #[param(ignore)]
    pub listed_only: bool,
    /// Only these products. Set by the server, never by a query string.
    #[serde(skip)]
    #[param(ignore)]
    pub only_ids: Option<Vec<i32>>,
}

/// `%…%` LIKE pattern of the folded query, with LIKE's wildcards escaped.
fn like_pattern(q: &str) -> Option<String> {
    let key = ocop_core::text::search_key(q);
    if key.is_empty() {
        return None;
    }
    let escaped = key
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Some(format!("%{escaped}%"))
}

/// The barcode as stored: a valid GTIN becomes its 14-digit form.
fn code_value(code: &str) -> (Option<String>, String) {
    let raw = code.trim().to_owned();
    match ScanInput::classify(&raw) {
        Ok(ScanInput::Gtin(g)) => (Some(g.as_str14().to_owned()), raw),
        _ => (None, raw),
    }
}

macro_rules! filtered {
    ($f:expr) => {{
        let f: &ProductSearch = $f;
        let mut q = products::table.inner_join(producers::table).into_boxed();
        if let Some(pattern) = f.q.as_deref().and_then(like_pattern) {
            q = q.filter(products::search_key.like(pattern).escape('\\'));
        }
        if let Some(code) = &f.code {
            let (gtin, raw) = code_value(code);
            q = match gtin {
                Some(g) => q.filter(products::gtin.eq(g).or(products::internal_code.eq(raw))),
                None => q.filter(products::internal_code.eq(raw)),
            };
        }
        if let Some(p) = f.producer_id {
            q = q.filter(products::producer_id.eq(p));
        }
        if let Some(g) = &f.group {
            q = q.filter(products::group_code.eq(g.trim().to_owned()));
        }
        if let Some(s) = f.stars {
            q = q.filter(products::stars.eq(s));
        }
        if let Some(s) = f.min_stars {
            q = q.filter(products::stars.ge(s));
        }
        if let Some(d) = &f.district {
            q = q.filter(producers::district_code.eq(d.trim().to_owned()));
        }
        if let Some(a) = f.active {
            q = q.filter(products::active.eq(a));
        }
        if let Some(ids) = &f.only_ids {
            q = q.filter(products::id.eq_any(ids.clone()));
        }
        if f.listed_only {
            q = q
                .filter(products::active.eq(true))
                .filter(producers::status.ne("suspended"));
        }
        q
    }};
}

/// Whether every text filter passes the one text rule. Stored names, codes
/// and district codes all do, so a filter that does not can match nothing
/// (and PostgreSQL refuses a NUL byte in a query outright).
fn filters_are_clean(f: &ProductSearch) -> bool {
    [&f.q, &f.code, &f.group, &f.district]
        .into_iter()
        .flatten()
        .all(|t| ocop_core::text::clean_text(t, ocop_core::text::Lines::Single).is_ok())
}

/// One page of matches and the number of all matches.
pub fn search(conn: &mut DbConn, f: &ProductSearch) -> QueryResult<(Vec<Product>, i64)> {
    if !filters_are_clean(f) {
        return Ok((Vec::new(), 0));
    }
    let limit = f.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let offset = f.offset.unwrap_or(0).max(0);
    let total = filtered!(f).count().get_result::<i64>(conn)?;
    let rows = filtered!(f)
        .order((products::search_key, products::id))
        .limit(limit)
        .offset(offset)
        .select(Product::as_select())
        .load(conn)?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_in_a_filter_matches_nothing() {
        let with = |q: &str| ProductSearch {
            district: Some(q.to_owned()),
            ..ProductSearch::default()
        };
        assert!(filters_are_clean(&with("bac-ha")));
        assert!(!filters_are_clean(&with("bac\0ha")));
        assert!(!filters_are_clean(&with("x\u{202E}y")));
    }

    #[test]
    fn patterns_fold_and_escape() {
        assert_eq!(like_pattern(" Rượu  NGÔ ").as_deref(), Some("%ruou ngo%"));
        assert_eq!(like_pattern("50%_x").as_deref(), Some("%50\\%\\_x%"));
        assert_eq!(like_pattern("   "), None);
    }
}
