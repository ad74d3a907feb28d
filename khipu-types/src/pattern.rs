//! The `pattern`s of Khipu's documents, compiled by the generator into data (`^[A-Z]{3}$` is one
//! atom: a class of `A`–`Z`, three times, anchored at both ends) and matched here by a few lines
//! of code, so no regex engine is compiled into a service for them. A pattern outside this subset
//! (alternation, groups, look-around) is matched by `regress` instead, behind this crate's
//! `regex` feature, which the generator turns on for the module that needs it.

/// What one atom matches: one character of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharSet {
    /// Any character but a line break (`.`).
    Any,
    /// Exactly this character.
    Literal(char),
    /// A character in one of the inclusive ranges (`[A-Z0-9]`, `\d`), or in none of them when
    /// negated (`[^0-9]`, `\D`).
    Ranges(&'static [(char, char)], bool),
}

impl CharSet {
    fn contains(&self, c: char) -> bool {
        match *self {
            CharSet::Any => c != '\n' && c != '\r',
            CharSet::Literal(l) => c == l,
            CharSet::Ranges(ranges, negated) => {
                ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != negated
            }
        }
    }
}

/// One character set repeated `min..=max` times (`max` is `u32::MAX` for unbounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Atom {
    set: CharSet,
    min: u32,
    max: u32,
}

impl Atom {
    #[doc(hidden)]
    pub const fn new(set: CharSet, min: u32, max: u32) -> Self {
        Self { set, min, max }
    }
}

/// A compiled pattern: its atoms in order, and whether it is anchored at either end. Matching
/// follows JSON Schema (ECMA-262): unanchored, a pattern matches anywhere in the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compiled {
    start: bool,
    end: bool,
    atoms: &'static [Atom],
}

impl Compiled {
    #[doc(hidden)]
    pub const fn new(start: bool, end: bool, atoms: &'static [Atom]) -> Self {
        Self { start, end, atoms }
    }

    /// `true` when `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        let chars: Vec<char> = value.chars().collect();
        let starts = if self.start { 0..=0 } else { 0..=chars.len() };
        starts.into_iter().any(|at| self.from(0, &chars, at))
    }

    /// Whether atoms `i..` match `chars` from `at` (backtracking over how many each takes,
    /// longest first; the atoms are few and the values short).
    fn from(&self, i: usize, chars: &[char], at: usize) -> bool {
        let Some(atom) = self.atoms.get(i) else {
            return !self.end || at == chars.len();
        };
        let available = chars[at..]
            .iter()
            .take(atom.max as usize)
            .take_while(|c| atom.set.contains(**c))
            .count();
        (atom.min as usize..=available)
            .rev()
            .any(|taken| self.from(i + 1, chars, at + taken))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPPER: &[(char, char)] = &[('A', 'Z')];
    const DIGIT: &[(char, char)] = &[('0', '9')];

    const CURRENCY: &[Atom] = &[Atom::new(CharSet::Ranges(UPPER, false), 3, 3)];
    const FOUR_DIGITS: &[Atom] = &[Atom::new(CharSet::Ranges(DIGIT, false), 4, 4)];
    const A_ANY_B: &[Atom] = &[
        Atom::new(CharSet::Literal('a'), 1, 1),
        Atom::new(CharSet::Any, 0, u32::MAX),
        Atom::new(CharSet::Literal('b'), 1, 1),
    ];
    const NOT_DIGITS: &[Atom] = &[Atom::new(CharSet::Ranges(DIGIT, true), 1, u32::MAX)];

    #[test]
    fn khipus_patterns_match_as_a_regex_engine_would() {
        // ^[A-Z]{3,3}$
        let currency = Compiled::new(true, true, CURRENCY);
        assert!(currency.is_match("CLP"));
        for bad in ["clp", "CLPX", "CL", "", "C1P"] {
            assert!(!currency.is_match(bad), "{bad}");
        }
        // ^[0-9]{4}$
        let digits = Compiled::new(true, true, FOUR_DIGITS);
        assert!(digits.is_match("1234") && !digits.is_match("12345") && !digits.is_match("12a4"));
        // Unanchored: anywhere. `a.*b` needs backtracking.
        let within = Compiled::new(false, false, A_ANY_B);
        assert!(within.is_match("xxaqqbzz") && within.is_match("ab") && !within.is_match("ba"));
        // [^0-9]+$
        let tail = Compiled::new(false, true, NOT_DIGITS);
        assert!(tail.is_match("12ab") && !tail.is_match("ab12"));
    }
}
