//! Derpy creatures: every seed number gives a different one, always the same for that seed.

use super::{
    SplitMix64,
    canvas::{Canvas, Colour, Pt, arc, capsule, ellipse, pt, triangle},
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
const TONGUE: u32 = 0xf06292;
const CHEEK: u32 = 0xff8fab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ears {
    Pointy,
    Floppy,
    Round,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mouth {
    Tongue,
    BuckTeeth,
    Gape,
    Wobbly,
}

#[derive(Debug, Clone, Copy)]
struct Eye {
    centre: Pt,
    radius: f32,
    /// Where the pupil looks: an angle, and how far off-centre (0..1).
    gaze: (f32, f32),
    /// How much of the eye a drooping lid covers (0..0.6).
    lid: f32,
}

/// Everything that makes one creature itself.
#[derive(Debug, Clone)]
pub struct Creature {
    backdrop: (Colour, Colour),
    fur: Colour,
    belly: Colour,
    head: (Pt, f32, f32, f32),
    body: (Pt, f32, f32),
    ears: Ears,
    ear_sizes: (f32, f32),
    eyes: [Eye; 2],
    mouth: Mouth,
    tongue_tilt: f32,
    spots: Vec<(Pt, f32)>,
    whiskers: bool,
    blush: bool,
    tuft: bool,
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

    fn outline(&self) -> Colour {
        self.fur.mix(Colour::INK, 0.55)
    }

    pub fn draw(&self, size: usize) -> Canvas {
        let mut canvas = Canvas::new(size);
        canvas.gradient(self.backdrop.0, self.backdrop.1);
        let (body_c, body_rx, _) = self.body;
        let shadow = self.backdrop.1.mix(Colour::INK, 0.5);
        canvas.paint(
            pt(body_c.x - body_rx * 1.2, 0.85),
            pt(body_c.x + body_rx * 1.2, 0.99),
            shadow,
            0.25,
            |p| ellipse(p, pt(body_c.x, 0.92), body_rx * 1.1, 0.05, 0.0),
        );
        self.draw_body(&mut canvas);
        if self.ears != Ears::Floppy {
            self.draw_ears(&mut canvas);
        }
        self.draw_head(&mut canvas);
        if self.ears == Ears::Floppy {
            self.draw_ears(&mut canvas);
        }
        for eye in self.eyes {
            draw_eye(&mut canvas, eye, self.fur, self.outline());
        }
        self.draw_mouth(&mut canvas);
        canvas
    }

    fn draw_body(&self, canvas: &mut Canvas) {
        let (c, rx, ry) = self.body;
        let outline = self.outline();
        let (min, max) = (pt(c.x - rx, c.y - ry), pt(c.x + rx, c.y + ry));
        canvas.paint(min, max, outline, 1.0, |p| ellipse(p, c, rx + 0.006, ry + 0.006, 0.0));
        canvas.paint(min, max, self.fur, 1.0, |p| ellipse(p, c, rx, ry, 0.0));
        let belly_c = pt(c.x, c.y + ry * 0.2);
        canvas.paint(min, max, self.belly, 1.0, |p| ellipse(p, belly_c, rx * 0.55, ry * 0.65, 0.0));
        let spot_colour = self.fur.mix(Colour::INK, 0.3);
        for &(at, r) in &self.spots {
            canvas.paint(pt(at.x - r, at.y - r), pt(at.x + r, at.y + r), spot_colour, 1.0, |p| {
                ellipse(p, at, r, r * 0.8, 0.4).max(ellipse(p, c, rx, ry, 0.0))
            });
        }
        for side in [-1.0, 1.0] {
            let paw = pt(c.x + side * rx * 0.45, c.y + ry * 0.9);
            canvas.paint(
                pt(paw.x - 0.07, paw.y - 0.05),
                pt(paw.x + 0.07, paw.y + 0.05),
                outline,
                1.0,
                |p| ellipse(p, paw, 0.066, 0.041, 0.0),
            );
            canvas.paint(
                pt(paw.x - 0.07, paw.y - 0.05),
                pt(paw.x + 0.07, paw.y + 0.05),
                self.belly,
                1.0,
                |p| ellipse(p, paw, 0.06, 0.035, 0.0),
            );
        }
    }

    fn draw_head(&self, canvas: &mut Canvas) {
        let (c, rx, ry, tilt) = self.head;
        let r = rx.max(ry) + 0.01;
        let (min, max) = (pt(c.x - r, c.y - r), pt(c.x + r, c.y + r));
        canvas
            .paint(min, max, self.outline(), 1.0, |p| ellipse(p, c, rx + 0.006, ry + 0.006, tilt));
        canvas.paint(min, max, self.fur, 1.0, |p| ellipse(p, c, rx, ry, tilt));
        let muzzle = pt(c.x, c.y + ry * 0.45);
        canvas.paint(min, max, self.belly, 1.0, |p| ellipse(p, muzzle, rx * 0.45, ry * 0.4, tilt));
        if self.tuft {
            for (i, lean) in [-0.6f32, 0.0, 0.7].into_iter().enumerate() {
                let base = pt(c.x - 0.03 + 0.03 * i as f32, c.y - ry + 0.01);
                let tip = pt(base.x + lean * 0.04, base.y - 0.07);
                let (a, b) = (pt(base.x - 0.02, base.y + 0.01), pt(base.x + 0.02, base.y + 0.01));
                canvas.paint(
                    pt(base.x - 0.06, tip.y - 0.01),
                    pt(base.x + 0.06, base.y + 0.02),
                    self.fur,
                    1.0,
                    |p| triangle(p, a, b, tip),
                );
            }
        }
        if self.blush {
            let cheek = Colour::from_rgb(CHEEK);
            for side in [-1.0, 1.0] {
                let at = pt(c.x + side * rx * 0.62, c.y + ry * 0.35);
                canvas.paint(
                    pt(at.x - 0.05, at.y - 0.03),
                    pt(at.x + 0.05, at.y + 0.03),
                    cheek,
                    0.45,
                    |p| ellipse(p, at, 0.045, 0.025, 0.0),
                );
            }
        }
        if self.whiskers {
            let ink = self.outline();
            for side in [-1.0f32, 1.0] {
                for (k, droop) in [-0.02f32, 0.01, 0.04].into_iter().enumerate() {
                    let from = pt(c.x + side * rx * 0.35, c.y + ry * 0.4 + k as f32 * 0.015);
                    let to = pt(c.x + side * (rx + 0.08), from.y + droop + side * 0.01);
                    canvas.paint(
                        pt(from.x.min(to.x), from.y.min(to.y) - 0.01),
                        pt(from.x.max(to.x), from.y.max(to.y) + 0.01),
                        ink,
                        0.8,
                        |p| capsule(p, from, to, 0.0025),
                    );
                }
            }
        }
    }

    fn draw_ears(&self, canvas: &mut Canvas) {
        let (c, rx, ry, tilt) = self.head;
        let outline = self.outline();
        let inner = self.fur.mix(Colour::from_rgb(CHEEK), 0.45);
        for (side, size) in [(-1.0f32, self.ear_sizes.0), (1.0, self.ear_sizes.1)] {
            let base = pt(c.x + side * rx * 0.62 + tilt * 0.1, c.y - ry * 0.72);
            let (min, max) = (pt(base.x - 0.2, base.y - 0.2), pt(base.x + 0.2, base.y + 0.3));
            match self.ears {
                Ears::Pointy => {
                    let tip = pt(base.x + side * size * 0.5, base.y - size * 1.4);
                    let (a, b) = (
                        pt(base.x - size * 0.7, base.y + 0.03),
                        pt(base.x + size * 0.7, base.y + 0.03),
                    );
                    canvas.paint(min, max, outline, 1.0, |p| triangle(p, a, b, tip) - 0.006);
                    canvas.paint(min, max, self.fur, 1.0, |p| triangle(p, a, b, tip));
                    let shrink =
                        |q: Pt| pt(base.x + (q.x - base.x) * 0.55, base.y + (q.y - base.y) * 0.6);
                    canvas.paint(min, max, inner, 1.0, |p| {
                        triangle(p, shrink(a), shrink(b), shrink(tip))
                    });
                }
                Ears::Round => {
                    let at = pt(base.x + side * 0.02, base.y - size * 0.4);
                    canvas.paint(min, max, outline, 1.0, |p| {
                        ellipse(p, at, size * 0.75 + 0.006, size * 0.75 + 0.006, 0.0)
                    });
                    canvas.paint(min, max, self.fur, 1.0, |p| {
                        ellipse(p, at, size * 0.75, size * 0.75, 0.0)
                    });
                    canvas.paint(min, max, inner, 1.0, |p| {
                        ellipse(p, at, size * 0.4, size * 0.4, 0.0)
                    });
                }
                Ears::Floppy => {
                    let at = pt(c.x + side * (rx * 0.95), c.y - ry * 0.1 + size * 0.5);
                    let angle = side * (0.35 + size);
                    let ear = self.fur.mix(Colour::INK, 0.25);
                    let reach = size * 1.5 + 0.01;
                    let (min, max) =
                        (pt(at.x - reach, at.y - reach), pt(at.x + reach, at.y + reach));
                    canvas.paint(min, max, outline, 1.0, |p| {
                        ellipse(p, at, size * 0.55 + 0.006, size * 1.5 + 0.006, angle)
                    });
                    canvas.paint(min, max, ear, 1.0, |p| {
                        ellipse(p, at, size * 0.55, size * 1.5, angle)
                    });
                }
            }
        }
    }

    fn draw_mouth(&self, canvas: &mut Canvas) {
        let (c, _rx, ry, _tilt) = self.head;
        let ink = Colour::INK;
        let nose = pt(c.x, c.y + ry * 0.28);
        let near = |p: Pt, r: f32| (pt(p.x - r, p.y - r), pt(p.x + r, p.y + r));
        let (min, max) = near(nose, 0.05);
        canvas.paint(min, max, ink, 1.0, |p| ellipse(p, nose, 0.028, 0.018, 0.0));
        canvas.paint(min, max, Colour::WHITE, 0.6, |p| {
            ellipse(p, pt(nose.x - 0.008, nose.y - 0.006), 0.007, 0.004, 0.0)
        });
        let mouth_y = nose.y + 0.045;
        let (min, max) = near(pt(c.x, mouth_y), 0.12);
        match self.mouth {
            Mouth::Tongue | Mouth::Wobbly => {
                if self.mouth == Mouth::Tongue {
                    let tongue = pt(c.x + self.tongue_tilt * 0.03, mouth_y + 0.045);
                    let colour = Colour::from_rgb(TONGUE);
                    canvas.paint(min, max, colour.mix(ink, 0.4), 1.0, |p| {
                        ellipse(p, tongue, 0.034, 0.054, self.tongue_tilt)
                    });
                    canvas.paint(min, max, colour, 1.0, |p| {
                        ellipse(p, tongue, 0.028, 0.048, self.tongue_tilt)
                    });
                    let (s, co) = self.tongue_tilt.sin_cos();
                    let (top, bottom) = (
                        pt(tongue.x + s * 0.03, tongue.y - co * 0.03),
                        pt(tongue.x - s * 0.0, tongue.y + co * 0.0),
                    );
                    canvas.paint(min, max, colour.mix(ink, 0.35), 1.0, |p| {
                        capsule(p, top, bottom, 0.003)
                    });
                }
                let wobble = if self.mouth == Mouth::Wobbly { 0.012 } else { 0.0 };
                for side in [-1.0f32, 1.0] {
                    let centre = pt(c.x + side * 0.026, mouth_y - 0.012 + side * wobble);
                    canvas
                        .paint(min, max, ink, 1.0, |p| arc(p, centre, 0.026, 0.1, PI - 0.1, 0.008));
                }
            }
            Mouth::BuckTeeth => {
                for side in [-1.0f32, 1.0] {
                    let tooth = pt(c.x + side * 0.012, mouth_y + 0.012);
                    canvas.paint(min, max, ink, 1.0, |p| {
                        capsule(
                            p,
                            pt(tooth.x, tooth.y - 0.012),
                            pt(tooth.x, tooth.y + 0.014),
                            0.014,
                        )
                    });
                    canvas.paint(min, max, Colour::WHITE, 1.0, |p| {
                        capsule(
                            p,
                            pt(tooth.x, tooth.y - 0.012),
                            pt(tooth.x, tooth.y + 0.014),
                            0.0095,
                        )
                    });
                }
                canvas.paint(min, max, ink, 1.0, |p| {
                    arc(p, pt(c.x, mouth_y - 0.04), 0.045, 0.5, PI - 0.5, 0.008)
                });
            }
            Mouth::Gape => {
                let at = pt(c.x, mouth_y + 0.01);
                canvas.paint(min, max, ink, 1.0, |p| ellipse(p, at, 0.032, 0.042, 0.0));
                canvas.paint(min, max, Colour::from_rgb(TONGUE), 1.0, |p| {
                    ellipse(p, pt(at.x, at.y + 0.022), 0.02, 0.014, 0.0)
                        .max(ellipse(p, at, 0.026, 0.036, 0.0))
                });
            }
        }
    }
}

fn draw_eye(canvas: &mut Canvas, eye: Eye, fur: Colour, outline: Colour) {
    let Eye { centre, radius, gaze, lid } = eye;
    let r = radius + 0.01;
    let (min, max) = (pt(centre.x - r, centre.y - r), pt(centre.x + r, centre.y + r));
    canvas.paint(min, max, Colour::INK, 1.0, |p| {
        ellipse(p, centre, radius + 0.007, radius + 0.007, 0.0)
    });
    canvas.paint(min, max, Colour::WHITE, 1.0, |p| ellipse(p, centre, radius, radius, 0.0));
    let pupil_r = radius * 0.45;
    let reach = (radius - pupil_r) * gaze.1;
    let pupil = pt(centre.x + gaze.0.cos() * reach, centre.y + gaze.0.sin() * reach);
    canvas.paint(min, max, Colour::INK, 1.0, |p| {
        ellipse(p, pupil, pupil_r, pupil_r, 0.0).max(ellipse(p, centre, radius, radius, 0.0))
    });
    let glint = pt(pupil.x - pupil_r * 0.35, pupil.y - pupil_r * 0.35);
    canvas.paint(min, max, Colour::WHITE, 0.9, |p| {
        ellipse(p, glint, pupil_r * 0.3, pupil_r * 0.3, 0.0)
    });
    if lid > 0.0 {
        // A heavy lid: fur over the top of the eye, with a line along its edge.
        let lid_edge = centre.y - radius + 2.0 * radius * lid;
        canvas.paint(min, max, fur, 1.0, |p| {
            ellipse(p, centre, radius + 0.007, radius + 0.007, 0.0).max(p.y - lid_edge)
        });
        canvas.paint(min, max, outline, 1.0, |p| {
            ellipse(p, centre, radius + 0.007, radius + 0.007, 0.0)
                .max((p.y - lid_edge).abs() - 0.004)
        });
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
