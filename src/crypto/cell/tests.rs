use proptest::prelude::*;

use super::*;

const KEY_ID: KeyId = [7; 16];
const AAD: CellAad<'static> = CellAad {
    table: "records",
    column: "field_value",
    row_id: "0b8e7a52-6d3e-4c1f-9b1a-3f1e2d4c5b6a",
    subject_id: "5d1c2b3a-1111-4222-8333-444455556666",
};

fn sealed(key: &DataKey, plaintext: &[u8]) -> Vec<u8> {
    match seal(key, KEY_ID, &AAD, plaintext) {
        Ok(cell) => cell,
        Err(e) => panic!("seal failed: {e}"),
    }
}

fn code(r: Result<SecretBytes>) -> Option<&'static str> {
    r.err().map(|e| e.code())
}

#[test]
fn roundtrip_layout_and_fresh_nonces() -> Result<()> {
    let key = DataKey::generate();
    let a = sealed(&key, "张三 320102199001011234".as_bytes());
    let b = sealed(&key, "张三 320102199001011234".as_bytes());
    assert_ne!(a, b, "two encryptions of one value must differ");
    assert_eq!(a[0], CELL_FORMAT_V1);
    assert_eq!(cell_key_id(&a)?, KEY_ID);
    assert_eq!(a.len(), MIN_CELL_LEN + "张三 320102199001011234".len());
    assert!(!a.windows(6).any(|w| w == "张三".as_bytes()), "plaintext in the cell");
    assert_eq!(open(&key, &AAD, &a)?.expose(), "张三 320102199001011234".as_bytes());
    assert_eq!(open(&key, &AAD, &sealed(&key, b""))?.expose(), b"");
    Ok(())
}

#[test]
fn every_kind_of_damage_or_misplacement_fails() {
    let key = DataKey::generate();
    let cell = sealed(&key, b"adverse record field");
    for i in 0..cell.len() * 8 {
        let mut bad = cell.clone();
        bad[i / 8] ^= 1 << (i % 8);
        assert!(open(&key, &AAD, &bad).is_err(), "flipped bit {i} accepted");
    }
    for len in 0..cell.len() {
        assert!(open(&key, &AAD, &cell[..len]).is_err(), "truncated to {len}");
    }
    assert_eq!(code(open(&key, &AAD, &cell[..MIN_CELL_LEN - 1])), Some("malformed_cell"));
    assert_eq!(code(open(&key, &AAD, &[])), Some("malformed_cell"));
    assert_eq!(code(open(&DataKey::generate(), &AAD, &cell)), Some("decryption_failed"));
    let mut v2 = cell.clone();
    v2[0] = 0x02;
    assert_eq!(code(open(&key, &AAD, &v2)), Some("unsupported_cell_version"));
    let mut extended = cell.clone();
    extended.push(0);
    assert_eq!(code(open(&key, &AAD, &extended)), Some("decryption_failed"));

    let places = [
        CellAad { table: "objections", ..AAD },
        CellAad { column: "statement", ..AAD },
        CellAad { row_id: "0b8e7a52-6d3e-4c1f-9b1a-3f1e2d4c5b6b", ..AAD },
        CellAad { subject_id: "5d1c2b3a-1111-4222-8333-444455556667", ..AAD },
        // Same concatenation, different split: length prefixes keep these apart.
        CellAad { table: "record", column: "sfield_value", ..AAD },
    ];
    for place in &places {
        assert_eq!(code(open(&key, place, &cell)), Some("decryption_failed"), "{place:?}");
    }
}

#[test]
fn cell_cipher_binds_key_id_and_subject() -> Result<()> {
    let key = DataKey::generate();
    let c = CellCipher::new(key.clone(), KEY_ID, AAD.subject_id);
    let cell = c.seal_str("subjects", "name", "row-1", "李四")?;
    assert_eq!(c.open_string("subjects", "name", "row-1", &cell)?.expose_str(), "李四");
    assert!(c.open_string("subjects", "name", "row-2", &cell).is_err());
    // The plain functions agree with the cipher.
    let aad = CellAad { table: "subjects", column: "name", row_id: "row-1", subject_id: AAD.subject_id };
    assert_eq!(open(&key, &aad, &cell)?.expose(), "李四".as_bytes());

    let other_subject = CellCipher::new(key.clone(), KEY_ID, "someone-else");
    assert!(other_subject.open("subjects", "name", "row-1", &cell).is_err());
    let other_id = CellCipher::new(key, [8; 16], AAD.subject_id);
    let err = other_id.open("subjects", "name", "row-1", &cell).err();
    assert_eq!(err.map(|e| e.code()), Some("key_id_mismatch"));

    let bin = c.seal("subjects", "email", "row-1", &[0xff, 0x00])?;
    let not_text = c.open_string("subjects", "email", "row-1", &bin).err();
    assert_eq!(not_text.map(|e| e.code()), Some("invalid_utf8"));
    let out = format!("{c:?}");
    assert!(out.contains("***") && out.contains("07070707"), "{out}");
    Ok(())
}

#[test]
fn decryption_counter_counts_every_open() -> Result<()> {
    let key = DataKey::generate();
    let cell = sealed(&key, b"x");
    let before = decryptions();
    open(&key, &AAD, &cell)?;
    let _ = open(&DataKey::generate(), &AAD, &cell);
    let _ = cell_key_id(&cell)?;
    // Other tests run in parallel, so only a lower bound is exact here.
    assert!(decryptions() >= before + 2);
    Ok(())
}

proptest! {
    #[test]
    fn random_plaintexts_roundtrip_and_any_flipped_bit_fails(
        plaintext in proptest::collection::vec(any::<u8>(), 0..300),
        bit in any::<usize>(),
    ) {
        let key = DataKey::generate();
        let cell = sealed(&key, &plaintext);
        let opened = open(&key, &AAD, &cell);
        prop_assert_eq!(opened.as_ref().map(SecretBytes::expose).ok(), Some(&plaintext[..]));
        let bit = bit % (cell.len() * 8);
        let mut bad = cell.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(open(&key, &AAD, &bad).is_err(), "bit {} of {} accepted", bit, cell.len() * 8);
    }
}
