//! JSON pointers (RFC 6901) in the `#/a/b` form used by `$ref`, for naming places in a spec.

use std::fmt;

/// A location inside a spec document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer(Vec<String>);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This pointer with one more reference token.
    pub fn push(&self, token: impl Into<String>) -> Self {
        let mut tokens = self.0.clone();
        tokens.push(token.into());
        Self(tokens)
    }

    /// The reference tokens, unescaped.
    pub fn tokens(&self) -> &[String] {
        &self.0
    }

    /// Parses a local `$ref` (`#/components/schemas/X`); `None` for anything else.
    pub fn parse_ref(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(Self::root());
        }
        let rest = rest.strip_prefix('/')?;
        Some(Self(
            rest.split('/')
                .map(|t| t.replace("~1", "/").replace("~0", "~"))
                .collect(),
        ))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("#")?;
        for token in &self.0 {
            write!(f, "/{}", token.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slashes_and_tildes() {
        let p = Pointer::root().push("paths").push("/v1/a~b").push("post");
        assert_eq!(p.to_string(), "#/paths/~1v1~1a~0b/post");
        assert_eq!(Pointer::parse_ref(&p.to_string()), Some(p));
    }

    #[test]
    fn rejects_remote_refs() {
        assert_eq!(Pointer::parse_ref("other.yaml#/components/schemas/X"), None);
    }
}
