//! One AFL++ harness for the parsers of outside input. The first byte picks
//! the target, the rest is the input: 0 GS1 Digital Link / scanner text,
//! 1 VietQR payload, 2 sale JSON, 3 refund JSON, 4 ESC/POS bytes. The
//! checks are the property suites' own (`core/tests/fuzz_inputs.rs`,
//! `hardware/tests/fuzz_escpos.rs`), included here so both engines assert
//! the same things: no panic, round trips, snake_case refusal codes.
//!
//! ```sh
//! cargo install cargo-afl && cargo afl config --build
//! cd fuzz && cargo afl build --release
//! AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
//!   cargo afl fuzz -i seeds -o out -V 600 target/release/ocop-fuzz
//! ```

#[path = "../../core/tests/fuzz_inputs.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the proptest cases only build under cfg(test)"
)]
mod core_props;
#[path = "../../hardware/tests/fuzz_escpos.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the proptest cases only build under cfg(test)"
)]
mod escpos_props;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((which, input)) = data.split_first() else {
            return;
        };
        let text = String::from_utf8_lossy(input);
        match which % 5 {
            0 => core_props::check_digital_link(&text),
            1 => core_props::check_vietqr(&text),
            2 => core_props::check_sale_json(&text),
            3 => {
                let _ = serde_json::from_str::<ocop_core::sale::Refund>(&text);
            }
            _ => {
                for profile in &escpos_props::profiles() {
                    let _ = ocop_hardware::preview::render(input, profile);
                }
            }
        }
    });
}
