//! The catalogue's words on the portal's pages: a record type's name and a field's label in
//! the page language (`policies/catalogue.toml`). The JSON API, the access log and every form
//! value keep the codes; only what a person reads changes. A code the catalogue does not know
//! is shown as it is, so nothing is ever hidden.

use super::text::Lang;
use crate::policy::catalogue::FieldSpec;
use crate::workflow::Platform;

/// A record type's name in `lang`.
pub(super) fn type_name(platform: &Platform, lang: Lang, code: &str) -> String {
    match platform.policies.catalogue.get(code) {
        Some(known) if lang == Lang::En => known.name_en.clone(),
        Some(known) => known.name_zh.clone(),
        None => code.to_owned(),
    }
}

/// A field's label in `lang`, as the catalogue names it for `record_type`.
pub(super) fn field_label(platform: &Platform, lang: Lang, record_type: &str, field: &str) -> String {
    let spec = platform.policies.catalogue.get(record_type).and_then(|known| known.field(field));
    spec.map_or_else(|| field.to_owned(), |spec| label_of(spec, lang))
}

fn label_of(spec: &FieldSpec, lang: Lang) -> String {
    if lang == Lang::En { spec.label_en.clone() } else { spec.label_zh.clone() }
}

/// Field names for a person: an access-log entry's (`record_type.field`) grouped by record type
/// in the order they appear, as "type: label, label; type: label"; a bare name (an objection's
/// contested fields) with the label of the first type that has it (a name means the same in
/// every type that uses it).
pub(super) fn entry_fields(platform: &Platform, lang: Lang, fields: &[String]) -> String {
    let (list, next_type, after_type) = if lang == Lang::En { (", ", "; ", ": ") } else { ("、", "；", "：") };
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for qualified in fields {
        let (heading, label) = match qualified.split_once('.') {
            Some((record_type, field)) => {
                (type_name(platform, lang, record_type), field_label(platform, lang, record_type, field))
            }
            None => (String::new(), any_field_label(platform, lang, qualified)),
        };
        match groups.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, labels)) => labels.push(label),
            None => groups.push((heading, vec![label])),
        }
    }
    let shown: Vec<String> = groups
        .into_iter()
        .map(|(heading, labels)| match heading.is_empty() {
            true => labels.join(list),
            false => format!("{heading}{after_type}{}", labels.join(list)),
        })
        .collect();
    shown.join(next_type)
}

fn any_field_label(platform: &Platform, lang: Lang, field: &str) -> String {
    let spec = platform.policies.catalogue.iter().find_map(|known| known.field(field));
    spec.map_or_else(|| field.to_owned(), |spec| label_of(spec, lang))
}

/// `(field, value)` pairs with each field's label in place of its code and an enum value's
/// words in place of the value, in the catalogue's order of the fields (fields it does not
/// know last, in the given order).
pub(super) fn labelled(
    platform: &Platform,
    lang: Lang,
    record_type: &str,
    fields: impl IntoIterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    let known = platform.policies.catalogue.get(record_type);
    let place = |field: &str| known.and_then(|t| t.fields.iter().position(|spec| spec.name == field));
    let mut pairs: Vec<(Option<usize>, String, String)> = fields
        .into_iter()
        .map(|(field, value)| {
            let shown = field_value(platform, lang, record_type, &field, value);
            (place(&field), field_label(platform, lang, record_type, &field), shown)
        })
        .collect();
    // Stable: fields the catalogue does not know (`None`) keep their order, after the others.
    pairs.sort_by_key(|(place, _, _)| place.unwrap_or(usize::MAX));
    pairs.into_iter().map(|(_, label, value)| (label, value)).collect()
}

/// What a person reads for `value` of `record_type.field`: an enum value's words in `lang`,
/// any other value as it is.
pub(super) fn field_value(platform: &Platform, lang: Lang, record_type: &str, field: &str, value: String) -> String {
    let spec = platform.policies.catalogue.get(record_type).and_then(|known| known.field(field));
    spec.and_then(|spec| value_words(spec, lang, &value)).unwrap_or(value)
}

/// The words for an enum field's `value` in `lang` (`None`: not an enum value the field knows).
fn value_words(spec: &FieldSpec, lang: Lang, value: &str) -> Option<String> {
    let at = spec.values.iter().position(|v| v == value)?;
    let words = if lang == Lang::En { &spec.values_en } else { &spec.values_zh };
    words.get(at).cloned()
}
