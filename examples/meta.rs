fn main() {
    let e = scaling_lab::script::build_engine(&Default::default());
    println!("{}", e.gen_fn_metadata_to_json(false).unwrap());
}
