khipu_codegen::payments!("specs/../../../../specs/banking/cl/personal/btgpactual.cl.yaml");

fn main() {}
