//! Throughput and latency of a run.

use std::time::Duration;

use serde_json::Value;

use crate::till::Done;

/// What a run measured.
#[derive(Debug)]
pub struct Figures {
    pub sales: u64,
    pub refunds: u64,
    pub confirmations: u64,
    pub refused: u64,
    pub retries: u64,
    pub requests: u64,
    pub wall: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// The `per_mille`‰ of `sorted` (nearest rank).
pub fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    let n = sorted.len();
    let rank = (n.saturating_mul(per_mille))
        .div_ceil(1000)
        .clamp(1, n.max(1))
        .saturating_sub(1);
    sorted.get(rank).copied().unwrap_or_default()
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Figures {
    pub fn of(done: &[Done], wall: Duration) -> Figures {
        let mut lat: Vec<Duration> = done
            .iter()
            .flat_map(|d| d.latencies.iter().copied())
            .collect();
        lat.sort_unstable();
        Figures {
            sales: done.iter().map(|d| count(d.sales.len())).sum(),
            refunds: done.iter().map(|d| count(d.refunds.len())).sum(),
            confirmations: done.iter().map(|d| d.confirmations).sum(),
            refused: done.iter().map(|d| count(d.refused.len())).sum(),
            retries: done.iter().map(|d| d.retries).sum(),
            requests: count(lat.len()),
            wall,
            p50: percentile(&lat, 500),
            p95: percentile(&lat, 950),
            p99: percentile(&lat, 990),
            max: lat.last().copied().unwrap_or_default(),
        }
    }

    /// Acknowledged sales per second of wall time.
    pub fn sales_per_second(&self) -> f64 {
        let secs = self.wall.as_secs_f64();
        if secs > 0.0 {
            // Counts above u32::MAX (never reached) are clamped.
            f64::from(u32::try_from(self.sales).unwrap_or(u32::MAX)) / secs
        } else {
            0.0
        }
    }

    pub fn print(&self) {
        println!(
            "acknowledged: {} sales, {} refunds, {} VietQR confirmations in {:.2} s = {:.0} sales/s",
            self.sales,
            self.refunds,
            self.confirmations,
            self.wall.as_secs_f64(),
            self.sales_per_second()
        );
        println!(
            "latency per sale request ({} requests): p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            self.requests,
            ms(self.p50),
            ms(self.p95),
            ms(self.p99),
            ms(self.max)
        );
        println!(
            "refused: {}   resent after a failure or timeout: {}",
            self.refused, self.retries
        );
    }

    pub fn json(&self) -> Value {
        serde_json::json!({
            "sales": self.sales,
            "refunds": self.refunds,
            "confirmations": self.confirmations,
            "refused": self.refused,
            "retries": self.retries,
            "requests": self.requests,
            "wall_s": self.wall.as_secs_f64(),
            "sales_per_s": self.sales_per_second(),
            "p50_ms": ms(self.p50),
            "p95_ms": ms(self.p95),
            "p99_ms": ms(self.p99),
            "max_ms": ms(self.max),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let lat: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&lat, 500), Duration::from_millis(50));
        assert_eq!(percentile(&lat, 990), Duration::from_millis(99));
        assert_eq!(percentile(&[], 990), Duration::ZERO);
    }
}
