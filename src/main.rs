fn main() {
    std::process::exit(scaling_lab::cli::main());
}
