khipu_codegen::bank!("specs/missing-responses.yaml");

fn main() {}
