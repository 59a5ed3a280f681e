//! A tiny anti-aliased rasteriser: shapes are signed distance functions, painted over their
//! bounding boxes only, in a unit coordinate space (0..1 on both axes) scaled to the canvas.

/// Linear RGB in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour {
    pub r: f32,
    pub g: f32,
    pub b: f32,
}

impl Colour {
    pub fn from_rgb(rgb: u32) -> Self {
        let channel = |shift: u32| ((rgb >> shift) & 0xff) as f32 / 255.0;
        Self { r: channel(16), g: channel(8), b: channel(0) }
    }

    pub fn to_rgb(self) -> u32 {
        let channel = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u32;
        (channel(self.r) << 16) | (channel(self.g) << 8) | channel(self.b)
    }

    pub fn mix(self, other: Colour, t: f32) -> Colour {
        Colour {
            r: self.r + (other.r - self.r) * t,
            g: self.g + (other.g - self.g) * t,
            b: self.b + (other.b - self.b) * t,
        }
    }

    pub const WHITE: Colour = Colour { r: 1.0, g: 1.0, b: 1.0 };
    pub const INK: Colour = Colour { r: 0.09, g: 0.07, b: 0.08 };
}

/// A point in unit space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pt {
    pub x: f32,
    pub y: f32,
}

pub const fn pt(x: f32, y: f32) -> Pt {
    Pt { x, y }
}

/// Signed distance (negative inside) from `p` to an ellipse centred at `c` with radii `r`,
/// rotated by `angle` radians. An approximation that is exact at the edge, which is all
/// anti-aliasing needs.
pub fn ellipse(p: Pt, c: Pt, rx: f32, ry: f32, angle: f32) -> f32 {
    let (sin, cos) = angle.sin_cos();
    let dx = p.x - c.x;
    let dy = p.y - c.y;
    let x = dx * cos + dy * sin;
    let y = -dx * sin + dy * cos;
    let k0 = ((x / rx).powi(2) + (y / ry).powi(2)).sqrt();
    let k1 = ((x / (rx * rx)).powi(2) + (y / (ry * ry)).powi(2)).sqrt();
    if k1 == 0.0 { -rx.min(ry) } else { k0 * (k0 - 1.0) / k1 }
}

/// Distance from `p` to the segment `a`–`b`, minus `radius`: a capsule.
pub fn capsule(p: Pt, a: Pt, b: Pt, radius: f32) -> f32 {
    let (abx, aby) = (b.x - a.x, b.y - a.y);
    let (apx, apy) = (p.x - a.x, p.y - a.y);
    let len2 = abx * abx + aby * aby;
    let t = if len2 == 0.0 { 0.0 } else { ((apx * abx + apy * aby) / len2).clamp(0.0, 1.0) };
    let (dx, dy) = (apx - abx * t, apy - aby * t);
    (dx * dx + dy * dy).sqrt() - radius
}

/// Signed distance to the triangle `a`, `b`, `c` (any winding).
pub fn triangle(p: Pt, a: Pt, b: Pt, c: Pt) -> f32 {
    let edge = |p0: Pt, p1: Pt| {
        let (ex, ey) = (p1.x - p0.x, p1.y - p0.y);
        let (wx, wy) = (p.x - p0.x, p.y - p0.y);
        let t = ((wx * ex + wy * ey) / (ex * ex + ey * ey)).clamp(0.0, 1.0);
        let (dx, dy) = (wx - ex * t, wy - ey * t);
        (dx * dx + dy * dy, ex * wy - ey * wx)
    };
    let (d0, s0) = edge(a, b);
    let (d1, s1) = edge(b, c);
    let (d2, s2) = edge(c, a);
    let distance = d0.min(d1).min(d2).sqrt();
    let inside = (s0 >= 0.0 && s1 >= 0.0 && s2 >= 0.0) || (s0 <= 0.0 && s1 <= 0.0 && s2 <= 0.0);
    if inside { -distance } else { distance }
}

/// Distance to an arc of the circle at `c` with radius `r`, from angle `from` to `to`
/// (radians, increasing clockwise on screen), drawn `width` thick.
pub fn arc(p: Pt, c: Pt, r: f32, from: f32, to: f32, width: f32) -> f32 {
    let angle = (p.y - c.y).atan2(p.x - c.x);
    let mid = (from + to) / 2.0;
    let half = (to - from).abs() / 2.0;
    let mut offset = angle - mid;
    while offset > std::f32::consts::PI {
        offset -= std::f32::consts::TAU;
    }
    while offset < -std::f32::consts::PI {
        offset += std::f32::consts::TAU;
    }
    if offset.abs() <= half {
        let d = ((p.x - c.x).powi(2) + (p.y - c.y).powi(2)).sqrt();
        (d - r).abs() - width / 2.0
    } else {
        let end = if offset > 0.0 { mid + half } else { mid - half };
        let e = pt(c.x + r * end.cos(), c.y + r * end.sin());
        ((p.x - e.x).powi(2) + (p.y - e.y).powi(2)).sqrt() - width / 2.0
    }
}

/// An RGB canvas of `size` × `size` pixels.
pub struct Canvas {
    size: usize,
    pixels: Vec<Colour>,
}

impl Canvas {
    pub fn new(size: usize) -> Self {
        Self { size, pixels: vec![Colour::WHITE; size * size] }
    }

    /// Fills the canvas with a vertical gradient.
    pub fn gradient(&mut self, top: Colour, bottom: Colour) {
        let size = self.size;
        for (y, row) in self.pixels.chunks_mut(size).enumerate() {
            let colour = top.mix(bottom, y as f32 / size as f32);
            row.fill(colour);
        }
    }

    /// Paints `colour` at `opacity` wherever `sdf` (unit space) is negative, within the unit
    /// space box `min`–`max`, with a one-pixel soft edge.
    pub fn paint(
        &mut self,
        min: Pt,
        max: Pt,
        colour: Colour,
        opacity: f32,
        sdf: impl Fn(Pt) -> f32,
    ) {
        let size = self.size as f32;
        let to_px = |v: f32| (v * size).floor().clamp(0.0, size) as usize;
        let (x0, x1) = (to_px(min.x - 2.0 / size), to_px(max.x + 2.0 / size));
        let (y0, y1) = (to_px(min.y - 2.0 / size), to_px(max.y + 2.0 / size));
        for y in y0..y1 {
            let py = (y as f32 + 0.5) / size;
            let row = &mut self.pixels[y * self.size..(y + 1) * self.size];
            for (x, pixel) in row.iter_mut().enumerate().take(x1).skip(x0) {
                let distance_px = sdf(pt((x as f32 + 0.5) / size, py)) * size;
                let coverage = (0.5 - distance_px).clamp(0.0, 1.0) * opacity;
                if coverage > 0.0 {
                    *pixel = pixel.mix(colour, coverage);
                }
            }
        }
    }

    /// Paints a filled ellipse (see [`ellipse`]).
    pub fn ellipse(&mut self, c: Pt, rx: f32, ry: f32, angle: f32, colour: Colour, opacity: f32) {
        let r = rx.max(ry);
        self.paint(pt(c.x - r, c.y - r), pt(c.x + r, c.y + r), colour, opacity, |p| {
            ellipse(p, c, rx, ry, angle)
        });
    }

    /// The canvas as 8-bit RGB bytes, row by row.
    pub fn into_rgb8(self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.pixels.len() * 3);
        for colour in self.pixels {
            let rgb = colour.to_rgb();
            bytes.extend_from_slice(&[(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8]);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_negative_inside_and_positive_outside() {
        let c = pt(0.5, 0.5);
        assert!(ellipse(c, c, 0.2, 0.1, 0.3) < 0.0);
        assert!(ellipse(pt(0.9, 0.5), c, 0.2, 0.1, 0.0) > 0.0);
        assert!((ellipse(pt(0.7, 0.5), c, 0.2, 0.1, 0.0)).abs() < 1e-4);
        assert!(triangle(pt(0.5, 0.4), pt(0.3, 0.6), pt(0.7, 0.6), pt(0.5, 0.2)) < 0.0);
        assert!(triangle(pt(0.9, 0.9), pt(0.3, 0.6), pt(0.5, 0.2), pt(0.7, 0.6)) > 0.0);
        assert!(capsule(pt(0.5, 0.5), pt(0.4, 0.5), pt(0.6, 0.5), 0.01) < 0.0);
        assert!(arc(pt(0.5, 0.7), c, 0.2, 0.0, std::f32::consts::PI, 0.02) < 0.0);
        assert!(arc(pt(0.5, 0.3), c, 0.2, 0.0, std::f32::consts::PI, 0.02) > 0.0);
    }

    #[test]
    fn painting_covers_the_shape_and_softens_its_edge() {
        let mut canvas = Canvas::new(20);
        let red = Colour::from_rgb(0xff0000);
        canvas.paint(pt(0.25, 0.25), pt(0.75, 0.75), red, 1.0, |p| {
            ellipse(p, pt(0.5, 0.5), 0.25, 0.25, 0.0)
        });
        let bytes = canvas.into_rgb8();
        let at = |x: usize, y: usize| &bytes[(y * 20 + x) * 3..(y * 20 + x) * 3 + 3];
        assert_eq!(at(10, 10), &[255, 0, 0]);
        assert_eq!(at(0, 0), &[255, 255, 255]);
        let edge = at(10, 5);
        assert!(edge[1] > 0 && edge[1] < 255, "{edge:?}");
    }

    #[test]
    fn colours_round_trip() {
        for rgb in [0x000000, 0xffffff, 0x123456, 0xfe8001] {
            assert_eq!(Colour::from_rgb(rgb).to_rgb(), rgb);
        }
    }
}
