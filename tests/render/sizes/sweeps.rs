//! Every width and height: the sweeps.

use super::*;

/// Every width at `heights`.
fn width_sweep(heights: &[u16]) {
    for &h in heights {
        for w in 1..=MAX.0 {
            every_state_at(w, h);
        }
    }
}

#[test]
fn every_width_at_low_heights() {
    width_sweep(&SWEEP_HEIGHTS[..3]);
}

#[test]
fn every_width_at_a_tall_height() {
    width_sweep(&SWEEP_HEIGHTS[3..]);
}

#[test]
fn every_height_at_a_few_widths() {
    for w in SWEEP_WIDTHS {
        for h in 1..=MAX.1 {
            every_state_at(w, h);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_size_in_any_state(w in 1..=MAX.0, h in 1..=MAX.1, pick in any::<prop::sample::Index>()) {
        let all = states();
        let (name, state) = &all[pick.index(all.len())];
        full_draw(name, state, w, h);
    }
}
