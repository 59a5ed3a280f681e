//! Files made to attack the upload pipeline, for its tests and for the memory benchmark
//! (`server/examples/upload_memory.rs`): one maker of each, so both attack with the same files.
//! They doctor known-good files made by the tests, never anything a user sent: fixed offsets
//! into those files are fine here.
#![allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]

/// PNG's chunk checksum, so that a doctored chunk is read as the claim it makes.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// `png` with its header rewritten to claim `width` x `height` pixels of `depth` bits (the
/// pixel data stays what it was: small).
pub fn claiming(png: &[u8], width: u32, height: u32, depth: u8) -> Vec<u8> {
    let mut file = png.to_vec();
    file[16..20].copy_from_slice(&width.to_be_bytes());
    file[20..24].copy_from_slice(&height.to_be_bytes());
    file[24] = depth;
    let crc = crc32(&file[12..29]);
    file[29..33].copy_from_slice(&crc.to_be_bytes());
    file
}

/// `png` with a chunk of `kind` carrying `data` inserted after its header.
pub fn with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let mut chunk = length.to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let after_header = 8 + 25;
    let mut out = png[..after_header].to_vec();
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[after_header..]);
    out
}

/// `png` carrying a colour profile (iCCP) that inflates to `megabytes` MiB.
pub fn with_profile_bomb(png: &[u8], megabytes: usize) -> Vec<u8> {
    let mut profile = b"bomb\0\0".to_vec();
    profile.extend(zlib_bomb(megabytes));
    with_chunk(png, b"iCCP", &profile)
}

/// A zlib stream of `megabytes` MiB of zeros in a few kilobytes per megabyte: a literal zero,
/// then copies of 258 bytes at distance 1, in one fixed-Huffman block.
pub fn zlib_bomb(megabytes: usize) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let (mut bits, mut count) = (0u64, 0u32);
    let mut put = |value: u64, width: u32, out: &mut Vec<u8>| {
        bits |= value << count;
        count += width;
        while count >= 8 {
            out.push(bits as u8);
            bits >>= 8;
            count -= 8;
        }
    };
    // Huffman codes go most significant bit first.
    let reversed = |code: u64, width: u32| code.reverse_bits() >> (64 - width);
    put(1, 1, &mut out); // last block
    put(1, 2, &mut out); // fixed Huffman
    put(reversed(0x30, 8), 8, &mut out); // literal 0
    for _ in 0..(megabytes << 20) / 258 {
        put(reversed(0b1100_0101, 8), 8, &mut out); // length 258
        put(0, 5, &mut out); // distance 1
    }
    put(0, 14, &mut out); // end of block, then padding to a whole byte
    out
}
