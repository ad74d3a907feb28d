//! The command's output. A reader that goes away early (`khipu banks --json | head -c1`) ends
//! the command at once and quietly, with status 0, as a Unix tool does (they die of SIGPIPE,
//! which Rust programs ignore); any other write error is said on stderr, with status 1. Never a
//! panic, which is what `println!` does on a closed pipe.

use std::fmt;
use std::io::Write;

/// One line on stdout (the `println!` of this crate: [`outln!`]).
pub fn line(args: fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        failed(&e);
    }
}

/// Ends the command after a failed write to stdout: quietly for a closed pipe.
pub fn failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    let _ = writeln!(std::io::stderr(), "khipu: cannot write the output: {e}");
    std::process::exit(1)
}

/// `println!` for the command's output, through [`line`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;
