khipu_codegen::bank!("specs/not-yaml.yaml");

fn main() {}
