//! A broken spec is a compile error naming the file, the place and the problem, never a panic.
#[test]
fn broken_specs_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
