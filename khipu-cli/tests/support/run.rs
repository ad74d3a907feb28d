//! Running the built `khipu` binary as a script would: given arguments, only the given KHIPU_*
//! variables, output captured.

// Each test file includes this module and uses the part of it it needs.
#![allow(dead_code)]

use std::process::{Command, Output};

/// The `khipu` command with `args` and the given KHIPU_* variables only.
pub fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_khipu"));
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("KHIPU_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    cmd
}

/// Runs `khipu` with `args` and the given KHIPU_* variables only.
pub async fn khipu(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(args, env);
    tokio::task::spawn_blocking(move || cmd.output().expect("the khipu binary runs"))
        .await
        .expect("the khipu run was not cancelled")
}

/// What it printed on standard output.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What it printed on standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
