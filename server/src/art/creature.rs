//! Derpy creatures: every seed number gives a different one, always the same for that seed.

use super::{
    SplitMix64,
    canvas::{Colour, Pt, pt},
};
use std::f32::consts::PI;

const FURS: [u32; 14] = [
    0xf4a259, 0x8d6e63, 0xbdbdbd, 0x4a4a4a, 0xfff3e0, 0xffcc80, 0x90a4ae, 0xe0c097, 0xf8bbd0,
    0xa5d6a7, 0x6d4c41, 0xfafafa, 0xd7a86e, 0xb39ddb,
];
const BACKDROPS: [(u32, u32); 9] = [
    (0xffe5ec, 0xffb3c6),
    (0xe0f7fa, 0x9fdfe8),
    (0xfff9c4, 0xffd66b),
    (0xe8eaf6, 0xb4bce8),
    (0xe8f5e9, 0xb5e0b7),
    (0xfbe9e7, 0xffb59e),
    (0xf3e5f5, 0xd9a8e3),
    (0x2b2d42, 0x4a4e69),
    (0x1d3557, 0x457b9d),
];
pub(super) const TONGUE: u32 = 0xf06292;
pub(super) const CHEEK: u32 = 0xff8fab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ears {
    Pointy,
    Floppy,
    Round,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mouth {
    Tongue,
    BuckTeeth,
    Gape,
    Wobbly,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Eye {
    pub(super) centre: Pt,
    pub(super) radius: f32,
    /// Where the pupil looks: an angle, and how far off-centre (0..1).
    pub(super) gaze: (f32, f32),
    /// How much of the eye a drooping lid covers (0..0.6).
    pub(super) lid: f32,
}

/// Everything that makes one creature itself.
#[derive(Debug, Clone)]
pub struct Creature {
    pub(super) backdrop: (Colour, Colour),
    pub(super) fur: Colour,
    pub(super) belly: Colour,
    pub(super) head: (Pt, f32, f32, f32),
    pub(super) body: (Pt, f32, f32),
    pub(super) ears: Ears,
    pub(super) ear_sizes: (f32, f32),
    pub(super) eyes: [Eye; 2],
    pub(super) mouth: Mouth,
    pub(super) tongue_tilt: f32,
    pub(super) spots: Vec<(Pt, f32)>,
    pub(super) whiskers: bool,
    pub(super) blush: bool,
    pub(super) tuft: bool,
}

impl Creature {
    pub fn from_seed(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let (top, bottom) = BACKDROPS[rng.below(BACKDROPS.len())];
        let backdrop = (Colour::from_rgb(top), Colour::from_rgb(bottom));
        let fur = Colour::from_rgb(FURS[rng.below(FURS.len())]);
        let belly = fur.mix(Colour::WHITE, 0.55);
        let head_centre = pt(0.5 + rng.range(-0.04, 0.04), 0.40 + rng.range(-0.03, 0.03));
        let head =
            (head_centre, rng.range(0.19, 0.25), rng.range(0.16, 0.21), rng.range(-0.18, 0.18));
        let body =
            (pt(0.5 + rng.range(-0.02, 0.02), 0.71), rng.range(0.26, 0.36), rng.range(0.19, 0.25));
        let ears = [Ears::Pointy, Ears::Floppy, Ears::Round][rng.below(3)];
        // Mismatched eyes are the heart of a derp.
        let big = rng.range(0.055, 0.085);
        let small = big * rng.range(0.55, 0.95);
        let (left_r, right_r) = if rng.chance(0.5) { (big, small) } else { (small, big) };
        let eye_y = head_centre.y - head.2 * rng.range(0.05, 0.25);
        let spread = head.1 * rng.range(0.38, 0.5);
        let gaze = |rng: &mut SplitMix64| (rng.range(0.0, 2.0 * PI), rng.range(0.3, 0.75));
        let cross_eyed = rng.chance(0.3);
        let mut eyes = [
            Eye {
                centre: pt(head_centre.x - spread, eye_y + rng.range(-0.02, 0.02)),
                radius: left_r,
                gaze: gaze(&mut rng),
                lid: 0.0,
            },
            Eye {
                centre: pt(head_centre.x + spread, eye_y + rng.range(-0.02, 0.02)),
                radius: right_r,
                gaze: gaze(&mut rng),
                lid: 0.0,
            },
        ];
        if cross_eyed {
            eyes[0].gaze = (0.0, 0.7);
            eyes[1].gaze = (PI, 0.7);
        }
        if rng.chance(0.35) {
            eyes[rng.below(2)].lid = rng.range(0.3, 0.6);
        }
        let mouth = [Mouth::Tongue, Mouth::Tongue, Mouth::BuckTeeth, Mouth::Gape, Mouth::Wobbly]
            [rng.below(5)];
        let spot_count = if rng.chance(0.4) { 2 + rng.below(4) } else { 0 };
        let spots = (0..spot_count)
            .map(|_| {
                let angle = rng.range(0.0, 2.0 * PI);
                let reach = rng.range(0.2, 0.8);
                let at = pt(
                    body.0.x + angle.cos() * body.1 * reach,
                    body.0.y + angle.sin() * body.2 * reach,
                );
                (at, rng.range(0.03, 0.07))
            })
            .collect();
        Self {
            backdrop,
            fur,
            belly,
            head,
            body,
            ears,
            ear_sizes: (rng.range(0.08, 0.13), rng.range(0.06, 0.13)),
            eyes,
            mouth,
            tongue_tilt: rng.range(-0.5, 0.5),
            spots,
            whiskers: rng.chance(0.5),
            blush: rng.chance(0.5),
            tuft: rng.chance(0.4),
        }
    }

    /// The colours of the placeholder shown before the image loads: backdrop and fur.
    pub fn placeholder(&self) -> (u32, u32) {
        (self.backdrop.0.mix(self.backdrop.1, 0.5).to_rgb(), self.fur.to_rgb())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_creature() {
        let a = Creature::from_seed(42).draw(64).into_rgb8();
        let b = Creature::from_seed(42).draw(64).into_rgb8();
        assert_eq!(a, b);
        assert_eq!(Creature::from_seed(42).placeholder(), Creature::from_seed(42).placeholder());
    }

    #[test]
    fn different_seeds_draw_different_creatures() {
        let drawings: Vec<Vec<u8>> =
            (1..=20).map(|seed| Creature::from_seed(seed).draw(48).into_rgb8()).collect();
        for (i, a) in drawings.iter().enumerate() {
            for b in &drawings[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
