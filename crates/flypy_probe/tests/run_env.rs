//! `run_env` against what a real run's program sees: the `PYTHON*` variables of its
//! environment and the interpreter's options, as the program itself reports them.

use std::time::Duration;

use flypy_probe::run::{run, run_env, Limits, Program};

#[test]
fn the_run_env_is_what_the_program_sees() {
    let python = flypy_probe::resolve(None).expect("python3 on PATH");
    // sys.orig_argv (3.10+) is the command line as the interpreter got it; before, no options
    // can be read back, and only the environment is compared.
    let source = "import json, os, sys\n\
                  argv = getattr(sys, 'orig_argv', None)\n\
                  flags = argv[1:argv.index('-c')] if argv else None\n\
                  env = dict((k, v) for k, v in os.environ.items() if k.startswith('PYTHON'))\n\
                  print(json.dumps({'env': env, 'flags': flags}))\n";
    let limits = Limits {
        timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let out = run(&python, &Program::Code(source.to_owned()), &limits).expect("it runs");
    assert!(out.ending.is_success(), "{:?}", out.ending);
    let seen: serde_json::Value =
        serde_json::from_slice(&out.stdout.kept).expect("the program's JSON");
    let claimed = run_env(&python);
    assert_eq!(
        seen["env"],
        serde_json::to_value(&claimed.env).expect("JSON"),
        "the environment"
    );
    if !seen["flags"].is_null() {
        assert_eq!(
            seen["flags"],
            serde_json::to_value(&claimed.flags).expect("JSON"),
            "the options"
        );
    }
    // flypy sets a hash seed unless the user chose one.
    assert!(claimed.env.contains_key("PYTHONHASHSEED"), "{claimed:?}");
}
