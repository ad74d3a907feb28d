khipu_codegen::bank!("specs/dangling-ref.yaml");

fn main() {}
