//! Timestamps are stored as naive UTC (the common subset of both backends);
//! in JSON they always say so, as RFC 3339 with a `Z`, so no client mistakes
//! them for Vietnam time. Use with `#[serde(serialize_with = "…")]`.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true))
}

pub fn serialize_opt<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => serialize(t, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn naive_utc_is_written_with_a_z() {
        #[derive(serde::Serialize)]
        struct Row {
            #[serde(serialize_with = "super::serialize")]
            at: chrono::NaiveDateTime,
            #[serde(serialize_with = "super::serialize_opt")]
            maybe: Option<chrono::NaiveDateTime>,
        }
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
            .unwrap()
            .and_hms_milli_opt(17, 5, 9, 120)
            .unwrap();
        let json = serde_json::to_string(&Row { at, maybe: None }).unwrap();
        assert_eq!(json, r#"{"at":"2026-11-28T17:05:09.120Z","maybe":null}"#);
    }
}
