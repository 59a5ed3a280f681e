//! Painting a creature, layer by layer: backdrop, body, ears, head, eyes, mouth.

use super::{
    canvas::{Canvas, Colour, Pt, arc, capsule, ellipse, pt, triangle},
    creature::{CHEEK, Creature, Ears, Eye, Mouth, TONGUE},
};
use std::f32::consts::PI;

impl Creature {
    fn outline(&self) -> Colour {
        self.fur.mix(Colour::INK, 0.55)
    }

    pub fn draw(&self, size: usize) -> Canvas {
        let mut canvas = Canvas::new(size);
        canvas.gradient(self.backdrop.0, self.backdrop.1);
        let (body_c, body_rx, _) = self.body;
        let shadow = self.backdrop.1.mix(Colour::INK, 0.5);
        canvas.ellipse(pt(body_c.x, 0.92), body_rx * 1.1, 0.05, 0.0, shadow, 0.25);
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
        canvas.ellipse(c, rx + 0.006, ry + 0.006, 0.0, outline, 1.0);
        canvas.ellipse(c, rx, ry, 0.0, self.fur, 1.0);
        let belly_c = pt(c.x, c.y + ry * 0.2);
        canvas.ellipse(belly_c, rx * 0.55, ry * 0.65, 0.0, self.belly, 1.0);
        let spot_colour = self.fur.mix(Colour::INK, 0.3);
        for &(at, r) in &self.spots {
            canvas.paint(pt(at.x - r, at.y - r), pt(at.x + r, at.y + r), spot_colour, 1.0, |p| {
                ellipse(p, at, r, r * 0.8, 0.4).max(ellipse(p, c, rx, ry, 0.0))
            });
        }
        for side in [-1.0, 1.0] {
            let paw = pt(c.x + side * rx * 0.45, c.y + ry * 0.9);
            canvas.ellipse(paw, 0.066, 0.041, 0.0, outline, 1.0);
            canvas.ellipse(paw, 0.06, 0.035, 0.0, self.belly, 1.0);
        }
    }

    fn draw_head(&self, canvas: &mut Canvas) {
        let (c, rx, ry, tilt) = self.head;
        let r = rx.max(ry) + 0.01;
        let (min, max) = (pt(c.x - r, c.y - r), pt(c.x + r, c.y + r));
        canvas
            .paint(min, max, self.outline(), 1.0, |p| ellipse(p, c, rx + 0.006, ry + 0.006, tilt));
        canvas.ellipse(c, rx, ry, tilt, self.fur, 1.0);
        let muzzle = pt(c.x, c.y + ry * 0.45);
        canvas.ellipse(muzzle, rx * 0.45, ry * 0.4, tilt, self.belly, 1.0);
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
                canvas.ellipse(at, 0.045, 0.025, 0.0, cheek, 0.45);
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
                    canvas.ellipse(at, size * 0.75 + 0.006, size * 0.75 + 0.006, 0.0, outline, 1.0);
                    canvas.ellipse(at, size * 0.75, size * 0.75, 0.0, self.fur, 1.0);
                    canvas.ellipse(at, size * 0.4, size * 0.4, 0.0, inner, 1.0);
                }
                Ears::Floppy => {
                    let at = pt(c.x + side * (rx * 0.95), c.y - ry * 0.1 + size * 0.5);
                    let angle = side * (0.35 + size);
                    let ear = self.fur.mix(Colour::INK, 0.25);
                    canvas.ellipse(
                        at,
                        size * 0.55 + 0.006,
                        size * 1.5 + 0.006,
                        angle,
                        outline,
                        1.0,
                    );
                    canvas.ellipse(at, size * 0.55, size * 1.5, angle, ear, 1.0);
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
        canvas.ellipse(nose, 0.028, 0.018, 0.0, ink, 1.0);
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
                    canvas.ellipse(tongue, 0.028, 0.048, self.tongue_tilt, colour, 1.0);
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
                canvas.ellipse(at, 0.032, 0.042, 0.0, ink, 1.0);
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
