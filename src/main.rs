use std::process::ExitCode;

fn main() -> ExitCode {
    gongwen::cli::main()
}
