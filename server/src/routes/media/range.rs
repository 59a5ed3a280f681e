//! `Range: bytes=…` for picture files (RFC 9110, section 14): one range, since a picture held
//! in memory costs nothing to slice. Several ranges, or a header that does not parse, are
//! ignored and the whole file is sent, as the RFC allows.

use std::ops::Range;

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Asked {
    Whole,
    Part(Range<usize>),
    /// No byte of the file is in the range: 416, with the file's length.
    Unsatisfiable,
}

pub fn asked(header: &str, len: usize) -> Asked {
    let Some(spec) = header.trim().strip_prefix("bytes=") else { return Asked::Whole };
    if spec.contains(',') {
        return Asked::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return Asked::Whole };
    let number = |text: &str| -> Option<usize> {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().unwrap_or(usize::MAX))
    };
    match (number(first), number(last)) {
        // The last `n` bytes.
        (None, Some(suffix)) if first.is_empty() => match suffix {
            0 => Asked::Unsatisfiable,
            _ if len == 0 => Asked::Unsatisfiable,
            _ => Asked::Part(len.saturating_sub(suffix)..len),
        },
        (Some(start), None) if last.is_empty() => {
            if start < len {
                Asked::Part(start..len)
            } else {
                Asked::Unsatisfiable
            }
        }
        (Some(start), Some(end)) if start <= end => {
            if start < len {
                Asked::Part(start..end.saturating_add(1).min(len))
            } else {
                Asked::Unsatisfiable
            }
        }
        _ => Asked::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_the_rfc_reads_them() {
        assert_eq!(asked("bytes=0-99", 1000), Asked::Part(0..100));
        assert_eq!(asked("bytes=900-", 1000), Asked::Part(900..1000));
        assert_eq!(asked("bytes=-100", 1000), Asked::Part(900..1000));
        assert_eq!(asked("bytes=-5000", 1000), Asked::Part(0..1000), "more than there is");
        assert_eq!(asked("bytes=990-5000", 1000), Asked::Part(990..1000));
        assert_eq!(asked("bytes=1000-", 1000), Asked::Unsatisfiable);
        assert_eq!(asked("bytes=-0", 1000), Asked::Unsatisfiable);
        assert_eq!(asked("bytes=0-99999999999999999999999", 1000), Asked::Part(0..1000));
    }

    #[test]
    fn what_does_not_parse_or_asks_for_several_gets_the_whole_file() {
        for header in ["bytes=5-1", "bytes=0-1,5-9", "items=0-1", "bytes=a-b", "bytes=-", "bytes=1"]
        {
            assert_eq!(asked(header, 1000), Asked::Whole, "{header}");
        }
    }
}
