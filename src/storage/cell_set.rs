//! The field cells of one record version, framed into one column:
//! `count: u16 BE`, then per field `name length: u16 BE | name (UTF-8) | cell length: u32 BE |
//! cell`. Names are catalogue field names (not personal data); each cell is an independently
//! sealed `crypto::cell`, so readers open only the cells they may. A malformed set (a damaged
//! row) is an error, never a panic.

use super::StorageError;

/// Frames `(name, cell)` pairs; names longer than 65,535 bytes or more than 65,535 fields are
/// refused (the catalogue's names are short snake_case words).
pub fn encode<'a>(fields: impl ExactSizeIterator<Item = (&'a str, &'a [u8])>) -> Result<Vec<u8>, StorageError> {
    let count = u16::try_from(fields.len()).map_err(|_| StorageError::Malformed("too many fields"))?;
    let mut out = Vec::with_capacity(2 + fields.len() * 96);
    out.extend_from_slice(&count.to_be_bytes());
    for (name, cell) in fields {
        let name_len = u16::try_from(name.len()).map_err(|_| StorageError::Malformed("field name too long"))?;
        let cell_len = u32::try_from(cell.len()).map_err(|_| StorageError::Malformed("cell too long"))?;
        out.extend_from_slice(&name_len.to_be_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&cell_len.to_be_bytes());
        out.extend_from_slice(cell);
    }
    Ok(out)
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], StorageError> {
    if bytes.len() < n {
        return Err(StorageError::Malformed("truncated cell set"));
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

/// The `(name, cell)` pairs of a set, in stored order.
pub fn decode(mut bytes: &[u8]) -> Result<Vec<(&str, &[u8])>, StorageError> {
    let count = u16::from_be_bytes(take(&mut bytes, 2)?.try_into().map_err(|_| StorageError::Malformed("count"))?);
    let mut fields = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let name_len =
            u16::from_be_bytes(take(&mut bytes, 2)?.try_into().map_err(|_| StorageError::Malformed("name"))?);
        let name = std::str::from_utf8(take(&mut bytes, usize::from(name_len))?)
            .map_err(|_| StorageError::Malformed("field name is not UTF-8"))?;
        let cell_len =
            u32::from_be_bytes(take(&mut bytes, 4)?.try_into().map_err(|_| StorageError::Malformed("cell"))?);
        let cell = take(&mut bytes, usize::try_from(cell_len).map_err(|_| StorageError::Malformed("cell length"))?)?;
        fields.push((name, cell));
    }
    if !bytes.is_empty() {
        return Err(StorageError::Malformed("bytes after the last cell"));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_damage_without_panicking() {
        let fields = [("fine_amount", &b"cell-one"[..]), ("severity", &b"c2"[..]), ("empty", &b""[..])];
        let bytes = encode(fields.iter().map(|(n, c)| (*n, *c))).expect("encodes");
        assert_eq!(decode(&bytes).expect("decodes"), fields.to_vec());
        assert_eq!(decode(&encode(std::iter::empty()).expect("empty")).expect("decodes"), vec![]);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "a set cut at {cut} must be refused");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
    }
}
