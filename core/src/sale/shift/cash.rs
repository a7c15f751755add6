//! The cash count by note: Vietnamese banknotes and how many of each the
//! drawer holds at closing.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ShiftError, overflow};
use crate::money::Dong;

/// Vietnamese banknotes. The polymer notes (500.000 to 10.000 đồng) and the
/// cotton notes of 5.000, 2.000 and 1.000 đồng are what a drawer holds.
/// The 500, 200 and 100 đồng notes are still legal tender and turn up as
/// change where prices are not whole thousands (tea by weight), so they can
/// be counted too; most counts leave them at zero. Coins (withdrawn from
/// circulation since 2011) are not counted.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Denomination {
    D500000,
    D200000,
    D100000,
    D50000,
    D20000,
    D10000,
    D5000,
    D2000,
    D1000,
    D500,
    D200,
    D100,
}

impl Denomination {
    /// Largest first.
    pub const ALL: [Denomination; 12] = [
        Denomination::D500000,
        Denomination::D200000,
        Denomination::D100000,
        Denomination::D50000,
        Denomination::D20000,
        Denomination::D10000,
        Denomination::D5000,
        Denomination::D2000,
        Denomination::D1000,
        Denomination::D500,
        Denomination::D200,
        Denomination::D100,
    ];

    pub fn value(self) -> Dong {
        Dong::new(match self {
            Denomination::D500000 => 500_000,
            Denomination::D200000 => 200_000,
            Denomination::D100000 => 100_000,
            Denomination::D50000 => 50_000,
            Denomination::D20000 => 20_000,
            Denomination::D10000 => 10_000,
            Denomination::D5000 => 5_000,
            Denomination::D2000 => 2_000,
            Denomination::D1000 => 1_000,
            Denomination::D500 => 500,
            Denomination::D200 => 200,
            Denomination::D100 => 100,
        })
    }

    pub fn from_value(value: Dong) -> Option<Denomination> {
        Denomination::ALL.into_iter().find(|d| d.value() == value)
    }
}

impl fmt::Display for Denomination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value().amount())
    }
}

/// Serialised as the note's value as a string (`"500000"`), so that a
/// count is a JSON object `{"500000": 3, "10000": 12}`.
impl Serialize for Denomination {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Denomination {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse::<i64>()
            .ok()
            .map(Dong::new)
            .and_then(Denomination::from_value)
            .ok_or_else(|| serde::de::Error::custom(format!("not a Vietnamese banknote: {s:?}")))
    }
}

/// The notes counted in a drawer: how many of each. Absent notes count 0.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CashCount(BTreeMap<Denomination, u32>);

impl CashCount {
    pub fn new() -> CashCount {
        CashCount::default()
    }

    /// Builder style: `CashCount::new().with(D500000, 2).with(D10000, 5)`.
    pub fn with(mut self, note: Denomination, count: u32) -> CashCount {
        self.set(note, count);
        self
    }

    pub fn set(&mut self, note: Denomination, count: u32) {
        if count == 0 {
            self.0.remove(&note);
        } else {
            self.0.insert(note, count);
        }
    }

    pub fn count(&self, note: Denomination) -> u32 {
        self.0.get(&note).copied().unwrap_or(0)
    }

    /// Σ value × count. Cannot overflow in practice (12 × 500.000 ×
    /// 4 294 967 295 < 2^63) but is checked all the same.
    pub fn total(&self) -> Result<Dong, ShiftError> {
        self.0.iter().try_fold(Dong::ZERO, |acc, (note, count)| {
            note.value()
                .amount()
                .checked_mul(i64::from(*count))
                .map(Dong::new)
                .and_then(|v| acc.checked_add(v))
                .ok_or_else(overflow)
        })
    }

    /// `(note, count, subtotal)` for every note counted, largest first: the
    /// lines of the printed count.
    pub fn lines(&self) -> Vec<(Denomination, u32, Dong)> {
        self.0
            .iter()
            .filter_map(|(note, count)| {
                let sub = note.value().amount().checked_mul(i64::from(*count))?;
                Some((*note, *count, Dong::new(sub)))
            })
            .collect()
    }
}
