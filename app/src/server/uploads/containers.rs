//! Reading an upload's container before it is decoded: PNG chunks, JPEG segments. What a
//! decoder would otherwise do quietly (inflate a profile, fill a cut-off scan with grey) is
//! refused or cut out here.

use super::pipeline::PipelineError;

/// The PNG with only the chunks that make its pixels: the critical ones (IHDR, PLTE, IDAT,
/// IEND; their type starts with a capital) and transparency (tRNS). Everything else is thrown
/// away by the re-encoding anyway, and some of it is compressed: a colour profile (iCCP) or a
/// text chunk (zTXt, iTXt) of a few kilobytes can inflate to hundreds of megabytes.
pub(super) fn png_without_ancillary_chunks(png: &[u8]) -> Result<Vec<u8>, PipelineError> {
    const SIGNATURE: usize = 8;
    let mut kept = Vec::with_capacity(png.len());
    kept.extend_from_slice(png.get(..SIGNATURE).ok_or(PipelineError::Damaged)?);
    let mut at = SIGNATURE;
    while at < png.len() {
        let header: [u8; 8] = png
            .get(at..at + 8)
            .and_then(|header| header.try_into().ok())
            .ok_or(PipelineError::Damaged)?;
        let [l0, l1, l2, l3, k0, k1, k2, k3] = header;
        let length = usize::try_from(u32::from_be_bytes([l0, l1, l2, l3]))
            .map_err(|_| PipelineError::Damaged)?;
        let kind = [k0, k1, k2, k3];
        // Type, data and checksum.
        let end = at.checked_add(12 + length).ok_or(PipelineError::Damaged)?;
        let chunk = png.get(at..end).ok_or(PipelineError::Damaged)?;
        if k0.is_ascii_uppercase() || kind == *b"tRNS" {
            kept.extend_from_slice(chunk);
        }
        at = end;
        if kind == *b"IEND" {
            break;
        }
    }
    Ok(kept)
}

/// Whether a JPEG runs to its end-of-image marker. Decoders fill a cut-off scan with grey
/// rather than fail, so a half-sent photo would be stored with a flat lower half. The walk
/// follows the segments and every scan (progressive JPEGs have several); inside a scan a 0xFF
/// byte is followed by a stuffed zero or a restart marker, so the first other marker ends it.
pub(super) fn jpeg_is_complete(jpeg: &[u8]) -> bool {
    const EOI: u8 = 0xD9;
    const SOS: u8 = 0xDA;
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut at = 2;
    loop {
        if jpeg.get(at) != Some(&0xFF) {
            return false;
        }
        while jpeg.get(at) == Some(&0xFF) {
            at += 1; // fill bytes before a marker
        }
        let Some(&marker) = jpeg.get(at) else { return false };
        at += 1;
        match marker {
            EOI => return true,
            0x01 | 0xD0..=0xD7 => continue, // markers without a segment
            _ => {}
        }
        let Some(length) = jpeg
            .get(at..at + 2)
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .map(|b| usize::from(u16::from_be_bytes(b)))
        else {
            return false;
        };
        at += length;
        if length < 2 || at > jpeg.len() {
            return false;
        }
        if marker == SOS {
            loop {
                let Some(offset) =
                    jpeg.get(at..).and_then(|rest| rest.iter().position(|&b| b == 0xFF))
                else {
                    return false;
                };
                at += offset;
                match jpeg.get(at + 1) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7) => at += 2,
                    Some(_) => break,
                }
            }
        }
    }
}
