use chrono::NaiveDate;

use super::windows;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

#[test]
fn windows_cover_every_day_once() {
    let w = windows(d(2026, 1, 31), d(2026, 3, 2));
    assert_eq!(
        w,
        vec![
            (d(2026, 1, 31), d(2026, 2, 28)),
            (d(2026, 2, 28), d(2026, 3, 3)),
        ]
    );
    assert_eq!(
        windows(d(2026, 5, 5), d(2026, 5, 5)),
        vec![(d(2026, 5, 5), d(2026, 5, 6))]
    );
}
