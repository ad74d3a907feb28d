//! `khipu auth token` and `khipu auth login`: OAuth tokens for the Open Data API.

use std::path::{Path, PathBuf};
use std::time::Duration;

use khipu::oauth::{AuthorizationCodeFlow, TokenEndpoint, TokenSet};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::Failure;
use crate::args::AuthCommand;
use crate::stdout::outln;
use crate::target::{Target, env};

/// Runs `khipu auth ...`.
pub async fn run(target: &Target, command: &AuthCommand) -> Result<(), Failure> {
    match command {
        AuthCommand::Token { show_token } => token(target, *show_token).await,
        AuthCommand::Login {
            authorize_url,
            scope,
            port,
            save,
            wait,
        } => {
            let login = Login {
                authorize_url: authorize_url.clone(),
                scope: scope.clone(),
                port: *port,
                save: save.clone(),
                wait: Duration::from_secs(*wait),
            };
            login.run(target).await
        }
    }
}

/// A fresh token from the client credentials: its expiry and scope, and the token itself only
/// when asked (it is a credential).
async fn token(target: &Target, show_token: bool) -> Result<(), Failure> {
    let (config, _) = target.banking()?;
    let Some(source) = config.token_source()? else {
        return Err(Failure::Usage(
            "khipu auth token needs OAuth client credentials: set KHIPU_CLIENT_ID, KHIPU_CLIENT_SECRET and KHIPU_TOKEN_URL".into(),
        ));
    };
    let token = source
        .token()
        .await
        .map_err(|e| Failure::Rejected(format!("no token: {e}")))?;
    let expiry = match token.remaining() {
        Some(left) => format!("expires in {} s", left.as_secs()),
        None => "no expiry given".to_owned(),
    };
    let scope = token.scope().unwrap_or("(none given)");
    let url = config
        .token_url
        .as_deref()
        .map(khipu::display::redact_url)
        .unwrap_or_default();
    outln!("access token from {url}: {expiry}; scope {scope}");
    if show_token {
        outln!("{}", token.secret().expose());
    }
    Ok(())
}

struct Login {
    authorize_url: Option<String>,
    scope: Option<String>,
    port: u16,
    save: Option<PathBuf>,
    wait: Duration,
}

impl Login {
    async fn run(self, target: &Target) -> Result<(), Failure> {
        let (authorize_url, token_url, client_id) = match target.sandbox() {
            Some(s) => (s.authorize_url(), s.token_url(), s.client_id().to_owned()),
            None => (
                self.authorize_url.clone().or_else(|| env("KHIPU_AUTHORIZE_URL")).ok_or_else(|| {
                    Failure::Usage("khipu auth login needs --authorize-url or KHIPU_AUTHORIZE_URL: Khipu's authorize endpoint is not in any document khipu-rs holds".into())
                })?,
                target.token_url().ok_or_else(|| {
                    Failure::Usage("khipu auth login needs --token-url or KHIPU_TOKEN_URL".into())
                })?,
                target.client_id().ok_or_else(|| {
                    Failure::Usage("khipu auth login needs --client-id or KHIPU_CLIENT_ID".into())
                })?,
            ),
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .map_err(|e| {
                Failure::Usage(format!("cannot listen on 127.0.0.1:{}: {e}", self.port))
            })?;
        let local = listener
            .local_addr()
            .map_err(|e| Failure::Usage(format!("the redirect listener has no address: {e}")))?;
        let redirect_uri = format!("http://{local}/callback");
        let timeout = target.timeout();
        let endpoint = TokenEndpoint::new(&token_url, timeout).map_err(usage)?;
        let mut flow =
            AuthorizationCodeFlow::new(&authorize_url, endpoint, client_id, &redirect_uri)
                .map_err(usage)?;
        // A confidential client proves itself too; a public one relies on PKCE alone.
        if let Some(secret) = env("KHIPU_CLIENT_SECRET").filter(|_| target.sandbox().is_none()) {
            flow = flow.client_secret(secret);
        }
        if let Some(scope) = &self.scope {
            flow = flow.scope(scope.clone());
        }
        let (url, pending) = flow.start().map_err(usage)?;
        eprintln!(
            "khipu: open this URL in a browser and consent:\n  {url}\nkhipu: waiting up to {} s for the redirect to {redirect_uri}",
            self.wait.as_secs()
        );
        if target.sandbox().is_some() {
            // The sandbox consents at once; stand in for the browser.
            tokio::spawn(browse(url.clone(), timeout));
        }
        let (state, code) = tokio::time::timeout(self.wait, redirect(&listener))
            .await
            .map_err(|_| {
                Failure::Rejected(format!(
                    "timed out: no redirect reached {redirect_uri} within {} s (--wait)",
                    self.wait.as_secs()
                ))
            })??;
        let tokens = flow
            .exchange(&pending, &state, &code)
            .await
            .map_err(|e| Failure::Rejected(format!("the code was not exchanged: {e}")))?;
        let path = match self.save {
            Some(path) => path,
            None => default_path()?,
        };
        save(&path, &tokens)?;
        let expiry = tokens
            .expires_at()
            .and_then(|at| at.duration_since(std::time::SystemTime::now()).ok())
            .map_or("no expiry given".to_owned(), |d| {
                format!("expires in {} s", d.as_secs())
            });
        outln!(
            "token set saved to {} (mode 0600): access token {expiry}; refresh token {}",
            path.display(),
            if tokens.refresh_token().is_some() {
                "kept"
            } else {
                "not issued"
            }
        );
        Ok(())
    }
}

fn usage(e: khipu::oauth::TokenError) -> Failure {
    Failure::Usage(e.to_string())
}

/// What a browser does with the authorize URL: follows its redirect (to our listener). Only
/// used with `--mock`, where both URLs are plain http on 127.0.0.1.
async fn browse(url: String, timeout: Duration) {
    let visit = async {
        let answer = get(&url).await?;
        let location = answer.lines().take_while(|l| !l.is_empty()).find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        })?;
        get(&location).await
    };
    let _ = tokio::time::timeout(timeout, visit).await;
}

/// A plain-http GET to a loopback URL: the answer's head and body as text.
async fn get(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let host = url.host_str()?;
    let port = url.port_or_known_default()?;
    let mut stream = tokio::net::TcpStream::connect((host, port)).await.ok()?;
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let request =
        format!("GET {path} HTTP/1.1\r\nhost: {host}:{port}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    let _ = stream.take(64 * 1024).read_to_end(&mut answer).await;
    Some(String::from_utf8_lossy(&answer).replace("\r\n", "\n"))
}

/// The redirect's `state` and `code`, from the first request to the listener (at most 8 KiB
/// read); an error redirect is reported as such.
async fn redirect(listener: &tokio::net::TcpListener) -> Result<(String, String), Failure> {
    let failed =
        |e: std::io::Error| Failure::Rejected(format!("the redirect listener failed: {e}"));
    let (mut stream, _) = listener.accept().await.map_err(failed)?;
    let mut buffer = vec![0u8; 8192];
    let mut read = 0;
    while read < buffer.len() {
        let n = stream.read(&mut buffer[read..]).await.map_err(failed)?;
        read += n;
        if n == 0 || buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buffer[..read]);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or_default();
    let query: std::collections::HashMap<String, String> =
        url::Url::parse(&format!("http://x{target}"))
            .map(|u| u.query_pairs().into_owned().collect())
            .unwrap_or_default();
    let page = "You can close this window and return to the terminal.\n";
    let _ = stream
        .write_all(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                page.len()
            )
            .as_bytes(),
        )
        .await;
    if let Some(error) = query.get("error") {
        return Err(Failure::Rejected(format!(
            "the authorization server refused: {}",
            khipu::display::sanitize(error)
        )));
    }
    match (query.get("state"), query.get("code")) {
        (Some(state), Some(code)) => Ok((state.clone(), code.clone())),
        _ => Err(Failure::Rejected(
            "the redirect carried no code and state".into(),
        )),
    }
}

fn default_path() -> Result<PathBuf, Failure> {
    let base = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| Path::new(&home).join(".config")))
        .ok_or_else(|| Failure::Usage("no HOME or XDG_CONFIG_HOME: give --save FILE".into()))?;
    Ok(base.join("khipu").join("tokens.json"))
}

/// Writes the token set readable by its owner only (created with mode 0600 on Unix, never
/// world-readable in between).
fn save(path: &Path, tokens: &TokenSet) -> Result<(), Failure> {
    let failed =
        |e: std::io::Error| Failure::Rejected(format!("cannot save {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let json = serde_json::to_vec_pretty(tokens)
        .map_err(|e| Failure::Rejected(format!("cannot write the token set: {e}")))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // An existing file keeps its mode on open: narrow it first.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(failed)?;
        }
    }
    use std::io::Write;
    let mut file = options.open(path).map_err(failed)?;
    file.write_all(&json).map_err(failed)
}
