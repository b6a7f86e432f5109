//! Subject identifiers: the resident identity number (GB 11643-1999) of a natural person and the
//! unified social credit code (GB 32100-2015) of an organization.
//!
//! Contract: a value of these types is normalized (trimmed, full-width folded to ASCII, upper
//! case) and has passed its structural checks and check character, so `as_str()` is exactly the
//! string the blind index is computed over. They are personal data: Debug prints `***`, there is
//! no Display and no Serialize, and a refusal names a static reason, never the input.
//!
//! Decisions where the standards leave room:
//! - the birth date of a resident number must be a real calendar date in 1900..=2100; this layer
//!   cannot read the clock, so "not in the future" is left to the caller if it matters;
//! - a credit code is checked for its alphabet, its division digits (positions 3-8) and its check
//!   character; the registration-authority and organization-type codes (positions 1-2) and the
//!   embedded GB 11714 organization-code check are not enforced, because codes issued before
//!   GB 32100 was fully applied do not all follow them, and refusing a genuine code is worse.

use super::{DomainError, SubjectKind};
use chrono::NaiveDate;

const LENGTH: usize = 18;

/// Weights of ISO 7064 MOD 11-2 for positions 1..=17 (2^(17-i) mod 11).
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character indexed by the weighted sum mod 11.
const RESIDENT_CHECK: &[u8; 11] = b"10X98765432";

/// The 31 characters of GB 32100 (no I, O, Z, S, V); a character's value is its index.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of GB 32100 for positions 1..=17 (3^(i-1) mod 31).
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn refuse(reason: &'static str) -> DomainError {
    DomainError::InvalidIdentifier { reason }
}

/// Trims, folds full-width digits and Latin letters (as typed with Chinese input methods) to ASCII
/// and upper-cases. Idempotent. Inner whitespace is kept so that it can be refused explicitly.
fn normalize(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            // U+FF10..=U+FF19 full-width digits, U+FF21.. upper and U+FF41.. lower Latin letters
            // sit at a fixed offset from their ASCII counterparts.
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Normalizes and applies the checks every 18-character identifier shares.
fn normalized_of_length_18(raw: &str) -> Result<String, DomainError> {
    let text = normalize(raw);
    if text.chars().any(char::is_whitespace) {
        return Err(refuse("contains_whitespace"));
    }
    if text.chars().count() != LENGTH {
        return Err(refuse("wrong_length"));
    }
    if !text.is_ascii() {
        return Err(refuse("invalid_character"));
    }
    Ok(text)
}

/// Check character of a resident identity number over its first 17 ASCII digits.
fn resident_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(RESIDENT_WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    RESIDENT_CHECK[(sum % 11) as usize]
}

/// Value (alphabet index) of a credit-code character, if it is in the alphabet.
fn credit_value(c: u8) -> Option<u32> {
    CREDIT_ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// Check character of a unified social credit code over its first 17 characters.
fn credit_check_char(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&c, w) in first17.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(c)? * w;
    }
    Some(CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// A checked resident identity number (公民身份号码, GB 11643-1999).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentIdNumber(String);

impl ResidentIdNumber {
    /// Normalizes and checks a resident identity number. Reasons: `contains_whitespace`,
    /// `wrong_length`, `invalid_character`, `invalid_region`, `invalid_birth_date`,
    /// `check_digit_mismatch`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let text = normalized_of_length_18(raw)?;
        let bytes = text.as_bytes();
        let (first17, check) = (&bytes[..17], bytes[17]);
        if !first17.iter().all(u8::is_ascii_digit) || !(check.is_ascii_digit() || check == b'X') {
            return Err(refuse("invalid_character"));
        }
        // Region codes start with 1-9 (1 North China ... 9 reserved); 0 is never assigned.
        if first17[0] == b'0' {
            return Err(refuse("invalid_region"));
        }
        if birth_date(first17).is_none() {
            return Err(refuse("invalid_birth_date"));
        }
        if resident_check_char(first17) != check {
            return Err(refuse("check_digit_mismatch"));
        }
        Ok(Self(text))
    }

    /// The normalized 18-character form (upper-case `X`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Birth date at positions 7-14 (YYYYMMDD), if it is a real date in 1900..=2100.
fn birth_date(first17: &[u8]) -> Option<NaiveDate> {
    let number =
        |range: std::ops::Range<usize>| first17[range].iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    let year = i32::try_from(number(6..10)).ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, number(10..12), number(12..14))
}

impl std::fmt::Debug for ResidentIdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResidentIdNumber(***)")
    }
}

/// A checked unified social credit code (统一社会信用代码, GB 32100-2015).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnifiedSocialCreditCode(String);

impl UnifiedSocialCreditCode {
    /// Normalizes and checks a unified social credit code. Reasons: `contains_whitespace`,
    /// `wrong_length`, `invalid_character`, `invalid_division_code`, `check_digit_mismatch`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let text = normalized_of_length_18(raw)?;
        let bytes = text.as_bytes();
        if bytes.iter().any(|&c| credit_value(c).is_none()) {
            return Err(refuse("invalid_character"));
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(refuse("invalid_division_code"));
        }
        if credit_check_char(&bytes[..17]) != Some(bytes[17]) {
            return Err(refuse("check_digit_mismatch"));
        }
        Ok(Self(text))
    }

    /// The normalized 18-character form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for UnifiedSocialCreditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnifiedSocialCreditCode(***)")
    }
}

/// The identifier of a subject; which one depends on the subject's kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubjectIdentifier {
    Resident(ResidentIdNumber),
    CreditCode(UnifiedSocialCreditCode),
}

impl SubjectIdentifier {
    /// Parses the identifier a subject of `kind` must carry: a natural person a resident identity
    /// number, a legal person or unincorporated organization a credit code. A well-formed
    /// identifier of the other sort is refused with `wrong_identifier_for_kind`, so the client
    /// learns it picked the wrong kind rather than seeing a misleading check-digit error.
    pub fn parse_for(kind: SubjectKind, raw: &str) -> Result<Self, DomainError> {
        if kind.is_person() {
            ResidentIdNumber::parse(raw).map(Self::Resident).map_err(|e| {
                if UnifiedSocialCreditCode::parse(raw).is_ok() { refuse("wrong_identifier_for_kind") } else { e }
            })
        } else {
            UnifiedSocialCreditCode::parse(raw)
                .map(Self::CreditCode)
                .map_err(|e| if ResidentIdNumber::parse(raw).is_ok() { refuse("wrong_identifier_for_kind") } else { e })
        }
    }

    /// The normalized form, the input of the blind index.
    pub fn normalized(&self) -> &str {
        match self {
            Self::Resident(id) => id.as_str(),
            Self::CreditCode(code) => code.as_str(),
        }
    }

    /// The most likely subject kind. A credit code may also belong to an unincorporated
    /// organization, which the code does not reveal reliably: use `fits` to check a declared kind.
    pub fn kind_hint(&self) -> SubjectKind {
        match self {
            Self::Resident(_) => SubjectKind::NaturalPerson,
            Self::CreditCode(_) => SubjectKind::LegalPerson,
        }
    }

    /// Whether a subject of `kind` may carry this identifier.
    pub fn fits(&self, kind: SubjectKind) -> bool {
        matches!(self, Self::Resident(_)) == kind.is_person()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RESIDENT_ALPHABET: &[u8] = b"0123456789X";

    fn with_resident_check(first17: &str) -> String {
        let check = resident_check_char(first17.as_bytes()) as char;
        format!("{first17}{check}")
    }

    fn with_credit_check(first17: &str) -> String {
        let check = credit_check_char(first17.as_bytes()).map_or('?', char::from);
        format!("{first17}{check}")
    }

    fn reason<T: std::fmt::Debug>(result: Result<T, DomainError>) -> &'static str {
        match result {
            Err(DomainError::InvalidIdentifier { reason }) => reason,
            other => panic!("expected an invalid identifier, got {other:?}"),
        }
    }

    #[test]
    fn published_examples_are_accepted() {
        // Check characters verified by hand, e.g. the GB 11643 sample 11010519491231002X:
        // weighted sum 167, 167 mod 11 = 2 -> 'X'.
        for raw in ["11010519491231002X", "11010119900307803X", "110101199003074477"] {
            assert_eq!(ResidentIdNumber::parse(raw).map(|r| r.0), Ok(raw.to_owned()));
        }
        // 91350100M000100Y43: weighted sum 1640, 1640 mod 31 = 28, 31 - 28 = 3 -> '3'. The
        // others are real-world codes in wide circulation, re-checked with an independent script.
        for raw in ["91350100M000100Y43", "914403001922038216", "9144030071526726XG", "91110108717743469K"] {
            assert_eq!(UnifiedSocialCreditCode::parse(raw).map(|c| c.0), Ok(raw.to_owned()));
        }
    }

    #[test]
    fn normalization_trims_upper_cases_and_folds_full_width() {
        let id = ResidentIdNumber::parse("  11010519491231002x\n");
        assert_eq!(id.map(|r| r.0), Ok("11010519491231002X".to_owned()));
        // Full-width digits and letters, surrounded by an ideographic space.
        let id = ResidentIdNumber::parse("\u{3000}１１０１０５１９４９１２３１００２ｘ");
        assert_eq!(id.map(|r| r.0), Ok("11010519491231002X".to_owned()));
        let code = UnifiedSocialCreditCode::parse("9144030071526726ｘｇ ");
        assert_eq!(code.map(|c| c.0), Ok("9144030071526726XG".to_owned()));
    }

    #[test]
    fn each_refusal_names_its_reason() {
        let r = ResidentIdNumber::parse;
        assert_eq!(reason(r("")), "wrong_length");
        assert_eq!(reason(r("11010519491231002")), "wrong_length");
        assert_eq!(reason(r("11010519491231002X0")), "wrong_length");
        assert_eq!(reason(r("110105 19491231002X")), "contains_whitespace");
        assert_eq!(reason(r("1101051949123100X2")), "invalid_character");
        assert_eq!(reason(r("11010519491231002Y")), "invalid_character");
        assert_eq!(reason(r("11010519491231002é")), "invalid_character");
        assert_eq!(reason(r(&with_resident_check("01010519491231002"))), "invalid_region");
        for date in ["19490230", "18991231", "21010101", "19491301", "19490100"] {
            let id = with_resident_check(&format!("110105{date}002"));
            assert_eq!(reason(r(&id)), "invalid_birth_date", "{date}");
        }
        assert!(r(&with_resident_check("11010520000229002")).is_ok(), "leap day");
        assert!(r(&with_resident_check("11010521001231002")).is_ok(), "upper bound");
        assert_eq!(reason(r("110105194912310029")), "check_digit_mismatch");

        let c = UnifiedSocialCreditCode::parse;
        assert_eq!(reason(c("91350100M000100Y4")), "wrong_length");
        assert_eq!(reason(c("91350100M000100 Y43")), "contains_whitespace");
        assert_eq!(reason(c("91350100M000100O43")), "invalid_character");
        assert_eq!(reason(c("91350100I000100Y43")), "invalid_character");
        assert_eq!(reason(c(&with_credit_check("9135010AM000100Y4"))), "invalid_division_code");
        assert_eq!(reason(c("91350100M000100Y44")), "check_digit_mismatch");
    }

    #[test]
    fn refusals_and_debug_never_echo_the_identifier() {
        let err = ResidentIdNumber::parse("110105194912310029").err();
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(!text.contains("1101051949"), "{text}");
        let id = SubjectIdentifier::parse_for(SubjectKind::NaturalPerson, "11010519491231002X");
        assert_eq!(format!("{id:?}"), "Ok(Resident(ResidentIdNumber(***)))");
        let code = UnifiedSocialCreditCode::parse("91350100M000100Y43");
        assert_eq!(format!("{code:?}"), "Ok(UnifiedSocialCreditCode(***))");
    }

    #[test]
    fn subject_identifier_follows_the_kind() {
        use SubjectKind::*;
        let person = SubjectIdentifier::parse_for(NaturalPerson, "11010519491231002x");
        assert_eq!(person.as_ref().map(|p| p.normalized()), Ok("11010519491231002X"));
        assert_eq!(person.as_ref().map(|p| p.kind_hint()), Ok(NaturalPerson));
        for kind in [LegalPerson, UnincorporatedOrganization] {
            let org = SubjectIdentifier::parse_for(kind, "91350100M000100Y43");
            assert_eq!(org.as_ref().map(|o| o.fits(kind)), Ok(true));
            assert_eq!(org.as_ref().map(|o| o.fits(NaturalPerson)), Ok(false));
            let wrong = SubjectIdentifier::parse_for(kind, "11010519491231002X");
            assert_eq!(reason(wrong), "wrong_identifier_for_kind");
            let bad = SubjectIdentifier::parse_for(kind, "91350100M000100Y44");
            assert_eq!(reason(bad), "check_digit_mismatch");
        }
        let wrong = SubjectIdentifier::parse_for(NaturalPerson, "91350100M000100Y43");
        assert_eq!(reason(wrong), "wrong_identifier_for_kind");
        let bad = SubjectIdentifier::parse_for(NaturalPerson, "110105194912310029");
        assert_eq!(reason(bad), "check_digit_mismatch");
    }

    /// 17 digits with a valid region and birth date, so only the check character decides.
    fn resident_body() -> impl Strategy<Value = String> {
        (1u32..10, 0u32..100_000, 0i64..73_000, 0u32..1000).prop_map(|(r, rest, day, seq)| {
            let base = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
            let date = base + chrono::Days::new(day.unsigned_abs());
            format!("{r}{rest:05}{}{seq:03}", date.format("%Y%m%d"))
        })
    }

    fn credit_body() -> impl Strategy<Value = String> {
        let any = proptest::sample::select(CREDIT_ALPHABET.to_vec());
        let digit = proptest::sample::select(b"0123456789".to_vec());
        (prop::collection::vec(any.clone(), 2), prop::collection::vec(digit, 6), prop::collection::vec(any, 9))
            .prop_map(|(a, b, c)| [a, b, c].concat().into_iter().map(char::from).collect())
    }

    /// Every other character of `alphabet` at every position of a valid `id` must be refused.
    fn every_substitution_refused(id: &str, alphabet: &[u8], parse: impl Fn(&str) -> bool) {
        for position in 0..LENGTH {
            for &c in alphabet.iter().filter(|&&c| c != id.as_bytes()[position]) {
                let mut bytes = id.as_bytes().to_vec();
                bytes[position] = c;
                let changed = String::from_utf8(bytes).unwrap_or_default();
                assert!(!parse(&changed), "position {position} -> {}", c as char);
            }
        }
    }

    proptest! {
        #[test]
        fn valid_resident_numbers_parse_and_every_substitution_is_refused(body in resident_body()) {
            let id = with_resident_check(&body);
            let parsed = ResidentIdNumber::parse(&id);
            prop_assert_eq!(parsed.as_ref().map(|r| r.as_str()), Ok(id.as_str()));
            every_substitution_refused(&id, RESIDENT_ALPHABET, |s| ResidentIdNumber::parse(s).is_ok());
        }

        #[test]
        fn valid_credit_codes_parse_and_every_substitution_is_refused(body in credit_body()) {
            let code = with_credit_check(&body);
            let parsed = UnifiedSocialCreditCode::parse(&code);
            prop_assert_eq!(parsed.as_ref().map(|c| c.as_str()), Ok(code.as_str()));
            every_substitution_refused(&code, CREDIT_ALPHABET, |s| UnifiedSocialCreditCode::parse(s).is_ok());
        }

        #[test]
        fn wrong_lengths_are_refused(text in "[0-9A-Z]{0,40}") {
            prop_assume!(text.len() != LENGTH);
            prop_assert_eq!(reason(ResidentIdNumber::parse(&text)), "wrong_length");
            prop_assert_eq!(reason(UnifiedSocialCreditCode::parse(&text)), "wrong_length");
        }

        #[test]
        fn normalization_is_idempotent(text in "\\PC{0,24}") {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once.clone());
            if let Ok(id) = ResidentIdNumber::parse(&text) {
                prop_assert_eq!(ResidentIdNumber::parse(id.as_str()), Ok(id));
            }
        }

        #[test]
        fn parsing_a_normalized_form_gives_it_back(body in resident_body(), code in credit_body()) {
            let id = with_resident_check(&body).to_lowercase();
            let id = ResidentIdNumber::parse(&format!(" {id}\t"));
            prop_assert_eq!(id.clone().and_then(|i| ResidentIdNumber::parse(i.as_str())), id);
            let code = UnifiedSocialCreditCode::parse(&with_credit_check(&code).to_lowercase());
            prop_assert_eq!(code.clone().and_then(|c| UnifiedSocialCreditCode::parse(c.as_str())), code);
        }
    }
}
