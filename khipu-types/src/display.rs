//! Text that came from the network or holds credentials, made safe to print.
//!
//! Everything the SDK, the CLI and the sandbox show a person goes through here: control characters
//! are escaped so a hostile server cannot move the cursor, clear the screen or retitle the window,
//! and passwords in URLs are replaced so a log never keeps them.

/// `text` with every control character except `\n` and `\t` written as a `\u{..}` escape.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// `url` with any `user:password@` replaced by `***@`, then sanitized. Works on text that does
/// not parse as a URL too (`http://u:p@bad host`), since that is when it ends up in an error.
pub fn redact_url(url: &str) -> String {
    let redacted = match url.find("://") {
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{}://***@{}", &url[..scheme_end], &rest[at + 1..]),
                None => url.to_owned(),
            }
        }
        None => match url.rfind('@') {
            // `user:pass@host` with no scheme.
            Some(at) if !url[..at].contains('/') => format!("***@{}", &url[at + 1..]),
            _ => url.to_owned(),
        },
    };
    sanitize(&redacted)
}

/// The innermost cause of `error`, as text: for an HTTP failure it says what happened
/// (`connection refused`), where the outer error says least (`error sending request`) and names
/// the URL. Not sanitized: pass it through [`sanitize`] before a terminal sees it.
pub fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_keeps_text() {
        assert_eq!(
            sanitize("a\x1b[2Jb\x07\r\ttab\nñ"),
            "a\\u{1b}[2Jb\\u{7}\\u{d}\ttab\nñ"
        );
        assert_eq!(sanitize("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn redacts_userinfo_in_urls_and_non_urls() {
        for (input, shown) in [
            (
                "https://u:hunter2@api.khipu.com/v1",
                "https://***@api.khipu.com/v1",
            ),
            (
                "http://hunter2@127.0.0.1:8/x?a=b@c",
                "http://***@127.0.0.1:8/x?a=b@c",
            ),
            ("http://u:hunter2@bad host/", "http://***@bad host/"),
            ("u:hunter2@host", "***@host"),
            ("https://api.khipu.com/a@b", "https://api.khipu.com/a@b"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(redact_url(input), shown, "{input}");
        }
        assert!(!redact_url("https://a:b\x1b]0;x\x07@h").contains('\x1b'));
    }
}
