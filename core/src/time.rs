//! Vietnamese local time.
//!
//! Times are stored in UTC and shown in Vietnam's time (Asia/Ho_Chi_Minh),
//! which is UTC+7 all year: Vietnam has had no daylight saving time since
//! 1975, so a fixed offset is exact and needs no time-zone database.
//! Settlement periods and Z reports follow the local calendar day, whose
//! bounds in UTC [`vn_day_bounds`] gives as a half-open interval.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};

const VN_OFFSET_SECONDS: i32 = 7 * 3600;

/// UTC+7, Vietnam's offset all year.
pub const VN_OFFSET: FixedOffset = match FixedOffset::east_opt(VN_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// The same instant, seen in Vietnam.
pub fn to_vn(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&VN_OFFSET)
}

/// The Vietnamese calendar day an instant falls on.
pub fn vn_date(t: DateTime<Utc>) -> NaiveDate {
    to_vn(t).date_naive()
}

/// The UTC instants bounding a Vietnamese calendar day: `start` inclusive,
/// `end` exclusive (local 00:00 of the day and of the next day), so that
/// consecutive days tile time with no gap and no overlap.
pub fn vn_day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    // Local midnight is 17:00 UTC the day before. Dates at the very edge of
    // chrono's range (year ±262 143) saturate instead of panicking.
    let local_midnight = day.and_time(NaiveTime::MIN).and_utc();
    let start = local_midnight
        .checked_sub_signed(TimeDelta::seconds(i64::from(VN_OFFSET_SECONDS)))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let end = start
        .checked_add_signed(TimeDelta::days(1))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    (start, end)
}

/// `28/11/2026 17:47`: how a person in Vietnam reads a time.
pub fn format_vn(t: DateTime<Utc>) -> String {
    to_vn(t).format("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn offset_is_plus_seven() {
        assert_eq!(VN_OFFSET.local_minus_utc(), 25_200);
        assert_eq!(
            to_vn(utc("2026-11-28T10:47:00Z")).to_rfc3339(),
            "2026-11-28T17:47:00+07:00"
        );
    }

    #[test]
    fn format_is_day_month_year() {
        assert_eq!(format_vn(utc("2026-11-28T10:47:59Z")), "28/11/2026 17:47");
        assert_eq!(format_vn(utc("2026-01-05T17:00:00Z")), "06/01/2026 00:00");
    }

    #[test]
    fn local_date_changes_at_17_utc() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(vn_date(utc("2026-11-28T16:59:59Z")), day);
        assert_eq!(
            vn_date(utc("2026-11-28T17:00:00Z")),
            day.succ_opt().unwrap()
        );
        assert_eq!(vn_date(utc("2026-11-27T17:00:00Z")), day);
        assert_eq!(
            vn_date(utc("2026-11-27T16:59:59Z")),
            day.pred_opt().unwrap()
        );
    }

    #[test]
    fn day_bounds_are_half_open_and_tile() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let (start, end) = vn_day_bounds(day);
        assert_eq!(start, utc("2026-11-27T17:00:00Z"));
        assert_eq!(end, utc("2026-11-28T17:00:00Z"));
        assert_eq!(vn_date(start), day);
        assert_ne!(vn_date(end), day);
        assert_eq!(vn_date(end - TimeDelta::nanoseconds(1)), day);
        let (next_start, _) = vn_day_bounds(day.succ_opt().unwrap());
        assert_eq!(next_start, end);
        // New Year's Eve and a leap day
        let (s, e) = vn_day_bounds(NaiveDate::from_ymd_opt(2028, 2, 29).unwrap());
        assert_eq!(s, utc("2028-02-28T17:00:00Z"));
        assert_eq!(e, utc("2028-02-29T17:00:00Z"));
        let (s, _) = vn_day_bounds(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(s, utc("2026-12-31T17:00:00Z"));
    }

    #[test]
    fn day_bounds_saturate_at_the_edges_of_time() {
        let (s, e) = vn_day_bounds(NaiveDate::MIN);
        assert_eq!(s, DateTime::<Utc>::MIN_UTC);
        assert!(e > s);
        let (s, e) = vn_day_bounds(NaiveDate::MAX);
        assert!(e > s);
    }
}
