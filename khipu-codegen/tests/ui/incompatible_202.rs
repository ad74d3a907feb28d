khipu_codegen::bank!("specs/incompatible-202.yaml");

fn main() {}
