//! A spec's `pattern`, compiled at generation time into `khipu_types::pattern` data when it is in
//! the subset Khipu's documents use (anchors, literals, `.`, classes, `\d \w \s`, counts), so the
//! runtime needs no regex engine for it. Anything else (alternation, groups, look-around,
//! back-references, `\b`) is left to `regress`: the module then needs `khipu-types/regex`.

use proc_macro2::TokenStream;
use quote::quote;

/// What one atom matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Set {
    Any,
    Literal(char),
    Ranges(Vec<(char, char)>, bool),
}

/// One set repeated `min..=max` times (`u32::MAX`: unbounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Atom {
    pub(crate) set: Set,
    pub(crate) min: u32,
    pub(crate) max: u32,
}

/// A pattern in the subset: anchors and atoms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) start: bool,
    pub(crate) end: bool,
    pub(crate) atoms: Vec<Atom>,
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
const SPACE: &[(char, char)] = &[
    ('\t', '\r'),
    (' ', ' '),
    ('\u{a0}', '\u{a0}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{feff}', '\u{feff}'),
];

/// `\d`, `\w`, `\s` (and negated, upper case) as ranges.
fn class_escape(c: char) -> Option<(&'static [(char, char)], bool)> {
    match c {
        'd' => Some((DIGIT, false)),
        'D' => Some((DIGIT, true)),
        'w' => Some((WORD, false)),
        'W' => Some((WORD, true)),
        's' => Some((SPACE, false)),
        'S' => Some((SPACE, true)),
        _ => None,
    }
}

/// An escaped character that stands for itself (or a control character).
fn literal_escape(c: char) -> Option<char> {
    match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        c if "\\/.-+*?()[]{}|^$".contains(c) => Some(c),
        _ => None,
    }
}

/// `pattern` in the subset, or `None` when it uses anything else.
pub(crate) fn parse(pattern: &str) -> Option<Pattern> {
    let mut chars: Vec<char> = pattern.chars().collect();
    let start = chars.first() == Some(&'^');
    if start {
        chars.remove(0);
    }
    // A trailing `$` not escaped (an even number of backslashes before it).
    let end = chars.last() == Some(&'$')
        && chars[..chars.len() - 1]
            .iter()
            .rev()
            .take_while(|c| **c == '\\')
            .count()
            % 2
            == 0;
    if end {
        chars.pop();
    }
    let mut atoms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let set = match chars[i] {
            '.' => Set::Any,
            '[' => {
                let (set, next) = class(&chars, i + 1)?;
                i = next;
                set
            }
            '\\' => {
                let c = *chars.get(i + 1)?;
                i += 1;
                match class_escape(c) {
                    Some((ranges, negated)) => Set::Ranges(ranges.to_vec(), negated),
                    None => Set::Literal(literal_escape(c)?),
                }
            }
            '(' | ')' | '|' | '^' | '$' | '*' | '+' | '?' | '{' | '}' | ']' => return None,
            c => Set::Literal(c),
        };
        i += 1;
        let (min, max, next) = quantifier(&chars, i)?;
        i = next;
        atoms.push(Atom { set, min, max });
    }
    Some(Pattern { start, end, atoms })
}

/// A class from just after its `[`: the set and the index of its `]`.
fn class(chars: &[char], mut i: usize) -> Option<(Set, usize)> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            break;
        }
        first = false;
        let lo = match c {
            '\\' => {
                let e = *chars.get(i + 1)?;
                i += 1;
                if let Some((set, neg)) = class_escape(e) {
                    if neg {
                        return None;
                    }
                    ranges.extend_from_slice(set);
                    i += 1;
                    continue;
                }
                literal_escape(e)?
            }
            '[' => return None,
            c => c,
        };
        // `a-z`, unless the `-` ends the class.
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']') {
            let hi = match *chars.get(i + 2)? {
                '\\' => literal_escape(*chars.get(i + 3)?).map(|c| (c, 1))?,
                c => (c, 0),
            };
            if hi.0 < lo {
                return None;
            }
            ranges.push((lo, hi.0));
            i += 3 + hi.1;
        } else {
            ranges.push((lo, lo));
            i += 1;
        }
    }
    Some((Set::Ranges(ranges, negated), i))
}

/// The quantifier at `i` (`1, 1` when there is none) and the index after it. A lazy `?` after it
/// changes what a match captures, never whether there is one, so it is accepted.
fn quantifier(chars: &[char], i: usize) -> Option<(u32, u32, usize)> {
    let (min, max, mut next) = match chars.get(i) {
        Some('?') => (0, 1, i + 1),
        Some('*') => (0, u32::MAX, i + 1),
        Some('+') => (1, u32::MAX, i + 1),
        Some('{') => {
            let close = i + chars[i..].iter().position(|c| *c == '}')?;
            let inner: String = chars[i + 1..close].iter().collect();
            let (min, max) = match inner.split_once(',') {
                None => {
                    let n = inner.parse().ok()?;
                    (n, n)
                }
                Some((lo, "")) => (lo.parse().ok()?, u32::MAX),
                Some((lo, hi)) => (lo.parse().ok()?, hi.parse().ok()?),
            };
            if max < min {
                return None;
            }
            (min, max, close + 1)
        }
        _ => return Some((1, 1, i)),
    };
    if chars.get(next) == Some(&'?') {
        next += 1;
    }
    Some((min, max, next))
}

impl Pattern {
    /// The `khipu_types::pattern::Compiled` expression.
    pub(crate) fn tokens(&self) -> TokenStream {
        let (start, end) = (self.start, self.end);
        let atoms = self.atoms.iter().map(|a| {
            let set = match &a.set {
                Set::Any => quote!(::khipu_types::pattern::CharSet::Any),
                Set::Literal(c) => quote!(::khipu_types::pattern::CharSet::Literal(#c)),
                Set::Ranges(ranges, negated) => {
                    let pairs = ranges.iter().map(|(lo, hi)| quote!((#lo, #hi)));
                    quote!(::khipu_types::pattern::CharSet::Ranges(&[#(#pairs),*], #negated))
                }
            };
            let (min, max) = (a.min, a.max);
            quote!(::khipu_types::pattern::Atom::new(#set, #min, #max))
        });
        quote!(::khipu_types::pattern::Compiled::new(#start, #end, &[#(#atoms),*]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parsed` as khipu-types' runtime value (its slices leaked: a test).
    fn runtime(parsed: &Pattern) -> khipu_types::pattern::Compiled {
        use khipu_types::pattern::{Atom as A, CharSet, Compiled};
        let atoms: Vec<A> = parsed
            .atoms
            .iter()
            .map(|a| {
                let set = match &a.set {
                    Set::Any => CharSet::Any,
                    Set::Literal(c) => CharSet::Literal(*c),
                    Set::Ranges(r, n) => {
                        CharSet::Ranges(Box::leak(r.clone().into_boxed_slice()), *n)
                    }
                };
                A::new(set, a.min, a.max)
            })
            .collect();
        Compiled::new(
            parsed.start,
            parsed.end,
            Box::leak(atoms.into_boxed_slice()),
        )
    }

    #[test]
    fn the_subset_matches_exactly_as_regress_does() {
        let patterns = [
            "^[A-Z]{3,3}$",
            "^[0-9]{4}$",
            "^\\d{1,3}(?:x)?$",
            "[a-c]+x?$",
            "^a.*b",
            "^[^0-9]{2,}$",
            "\\w+@\\w+\\.cl",
            "^[A-Za-z0-9_\\-]{1,20}$",
            "^\\s*$",
            "^[-+]?[0-9]*\\.?[0-9]+$",
            "^ab{2,3}?c$",
            "x{2,}",
        ];
        let values = [
            "", "CLP", "clp", "CLPX", "1234", "12345", "12a4", "aaxb", "ab", "ba", "xx9", "ab",
            "+1.5", "-.5", "1.", "a@b.cl", "a@b_cl", "   ", " x ", "abbc", "abbbc", "abc", "xxx",
            "x", "Ñandú", "AB_c-9", "A B",
        ];
        let mut compiled = 0;
        for pattern in patterns {
            let Some(parsed) = parse(pattern) else {
                // Outside the subset (here: the group): regress matches it at run time.
                assert!(pattern.contains('('), "{pattern} should compile");
                continue;
            };
            compiled += 1;
            let ours = runtime(&parsed);
            let theirs = regress::Regex::new(pattern).unwrap();
            for value in values {
                assert_eq!(
                    ours.is_match(value),
                    theirs.find(value).is_some(),
                    "{pattern} on {value:?}"
                );
            }
        }
        assert_eq!(compiled, patterns.len() - 1);
    }

    #[test]
    fn what_the_subset_lacks_is_left_to_regress() {
        for pattern in [
            "a|b",
            "(ab)+",
            "^(?=x)",
            "\\bword",
            "\\1",
            "[[:alpha:]]",
            "\\p{L}",
            "a{2",
        ] {
            assert_eq!(parse(pattern), None, "{pattern}");
        }
    }
}
